import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import type { FeedItem, KevEntry } from '../../advisory.js';
import { kevFormat } from './kev-format.js';

const testdata = (name: string) => join(import.meta.dirname, 'testdata', name);
const catalog = vulndata('kev', 'known_exploited_vulnerabilities.json');

async function collect(path: string, label = path): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of kevFormat.parse({ path, label }, { feed: 'kev' })) items.push(item);
  return items;
}

const entries = (items: FeedItem[]): KevEntry[] => items.flatMap((i) => (i.type === 'kev' ? [i.entry] : []));
const skips = (items: FeedItem[]): string[] => items.flatMap((i) => (i.type === 'skipped' ? [`${i.where}: ${i.reason}`] : []));

describe('kevFormat on the real catalog', async () => {
  const items = await collect(catalog, 'known_exploited_vulnerabilities.json');

  it('is valid against the catalog schema (the file this test relies on)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(vulndata('kev', 'known_exploited_vulnerabilities_schema.json'), 'utf8')) as object);
    expect(validate(JSON.parse(readFileSync(catalog, 'utf8'))), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('yields all 1404 entries and skips nothing', () => {
    expect(entries(items)).toHaveLength(1404);
    expect(skips(items)).toEqual([]);
    expect(entries(items).filter((e) => e.knownRansomwareCampaignUse)).toHaveLength(293);
  });

  it('reads CVE-2021-44228 (Log4Shell) with its ransomware flag as the file says (Known)', () => {
    expect(entries(items).find((e) => e.cve === 'CVE-2021-44228')).toEqual({
      cve: 'CVE-2021-44228',
      vendorProject: 'Apache',
      product: 'Log4j2',
      name: 'Apache Log4j2 Remote Code Execution Vulnerability',
      dateAdded: '2021-12-10',
      dueDate: '2021-12-24',
      requiredAction: expect.stringContaining('Apply updates') as unknown,
      knownRansomwareCampaignUse: true,
    });
  });

  it('reads the gzip-compressed catalog the same way', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'grout-kev-')), 'kev.json.gz');
    writeFileSync(path, gzipSync(readFileSync(catalog)));
    expect(entries(await collect(path))).toEqual(entries(items));
  });
});

describe('kevFormat.sniff', () => {
  const head = (path: string) => readFileSync(path).subarray(0, 4096);
  it('claims the catalog but not its schema, OSV or the Debian tracker', () => {
    expect(kevFormat.sniff(catalog, head(catalog), false)).toBe(true);
    expect(kevFormat.sniff('x', gzipSync(readFileSync(catalog)).subarray(0, 4096), false)).toBe(true);
    for (const path of [
      vulndata('kev', 'known_exploited_vulnerabilities_schema.json'),
      vulndata('debian', 'tracker-json-sample', 'debian.json'),
      vulndata('debian', 'osv-samples', 'DSA-5474-1.json'),
      vulndata('epss', 'epss-excerpt-2024-10-25.csv'),
    ]) {
      expect(kevFormat.sniff(path, head(path), false)).toBe(false);
    }
  });
});

describe('kevFormat on hostile input', () => {
  it('skips entries with bad ids or dates, naming the entry', async () => {
    const items = await collect(testdata('bad-entries.json'), 'bad-entries.json');
    expect(entries(items).map((e) => [e.cve, e.knownRansomwareCampaignUse])).toEqual([
      ['CVE-2024-0001', true],
      ['CVE-2024-0004', false],
    ]);
    expect(skips(items)).toEqual([
      'bad-entries.json vulnerabilities[1]: CVE-2024-0002: dateAdded is not a YYYY-MM-DD date: "2024-02-30"',
      'bad-entries.json vulnerabilities[2]: cveID is not a CVE id: "not-a-cve"',
      'bad-entries.json vulnerabilities[3]: entry is not an object',
      'bad-entries.json vulnerabilities[4]: CVE-2024-0003: dueDate is not a YYYY-MM-DD date: "soon"',
    ]);
  });

  it('rejects truncated JSON and a document without vulnerabilities with E_FEED_FORMAT naming the file', async () => {
    await expect(collect(testdata('truncated.json'), 'truncated.json')).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: 'truncated.json' });
    const path = join(mkdtempSync(join(tmpdir(), 'grout-kev-')), 'other.json');
    writeFileSync(path, '{"catalogVersion": "1", "vulnerabilities": {}}');
    await expect(collect(path, 'other.json')).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: 'other.json' });
  });

  it('skips an entry holding a 50 MB string without failing the rest', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'grout-kev-')), 'huge.json');
    writeFileSync(path, `{"catalogVersion": "1", "vulnerabilities": [{"cveID": "${'C'.repeat(50 * 1024 * 1024)}"}, {"cveID": "CVE-2024-0005", "dateAdded": "2024-01-01"}]}`);
    const items = await collect(path, 'huge.json');
    expect(skips(items)).toEqual([expect.stringMatching(/^huge\.json vulnerabilities\[0\]: cveID is not a CVE id: "C{60}…"$/) as unknown]);
    expect(entries(items).map((e) => e.cve)).toEqual(['CVE-2024-0005']);
  });
});
