import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import type { EolCycle, FeedItem } from '../../advisory.js';
import { eolFormat } from './eol-format.js';

const testdata = (...parts: string[]) => join(import.meta.dirname, 'testdata', ...parts);
const eolDir = vulndata('eol', 'endoflife-date');
const allProducts = join(eolDir, 'all-products.json.gz');
const dir = mkdtempSync(join(tmpdir(), 'grout-eol-'));

async function collect(path: string, label = path): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of eolFormat.parse({ path, label }, { feed: 'eol' })) items.push(item);
  return items;
}

const cycles = (items: FeedItem[]): EolCycle[] => items.flatMap((i) => (i.type === 'eol' ? [i.cycle] : []));
const skips = (items: FeedItem[]): string[] => items.flatMap((i) => (i.type === 'skipped' ? [`${i.where}: ${i.reason}`] : []));
const find = (list: EolCycle[], product: string, cycle: string) => list.find((c) => c.product === product && c.cycle === cycle);

describe('eolFormat on all-products.json.gz', async () => {
  const items = await collect(allProducts, 'all-products.json.gz');
  const list = cycles(items);
  const source = JSON.parse(gunzipSync(readFileSync(allProducts)).toString('utf8')) as Record<string, { releases: unknown[] }>;

  it('yields every cycle of all 464 products', () => {
    expect(new Set(list.map((c) => c.product)).size).toBe(464);
    expect(list).toHaveLength(Object.values(source).reduce((sum, p) => sum + p.releases.length, 0));
    expect(skips(items)).toEqual([]);
  });

  it('reads debian 12 (Bookworm) with the end-of-life dates in the file', () => {
    expect(find(list, 'debian', '12')).toEqual({
      product: 'debian',
      cycle: '12',
      codename: 'Bookworm',
      releaseDate: '2023-06-10',
      eol: '2026-07-11',
      eoes: '2028-06-30',
      latest: '12.15',
    });
  });

  it('reads alpine-linux 3.20 and keeps booleans', () => {
    expect(find(list, 'alpine-linux', '3.20')).toMatchObject({ product: 'alpine-linux', cycle: '3.20', releaseDate: '2024-05-22', eol: '2026-04-01' });
    expect(list.some((c) => c.eol === true)).toBe(true);
    expect(list.some((c) => c.eoas === false)).toBe(true);
    expect(find(list, 'python', '3.10')?.cycle).toBe('3.10');
  });
});

describe('eolFormat on product pages', async () => {
  const fromPages = cycles(await collect(join(eolDir, 'products'), 'products'));
  const fromAll = cycles(await collect(allProducts));

  it('reads the 60 product pages as all-products.json has them', () => {
    const products = new Set(fromPages.map((c) => c.product));
    expect(products.size).toBe(60);
    const byProduct = (list: EolCycle[]) => [...list].sort((a, b) => (a.product < b.product ? -1 : a.product > b.product ? 1 : 0));
    expect(byProduct(fromPages)).toEqual(byProduct(fromAll.filter((c) => products.has(c.product))));
  });

  it('reads one page on its own, named by its file', async () => {
    const debian = cycles(await collect(join(eolDir, 'products', 'debian.md')));
    expect(find(debian, 'debian', '12')).toEqual(find(fromAll, 'debian', '12'));
    expect(new Set(debian.map((c) => c.product))).toEqual(new Set(['debian']));
  });

  it('prefers all-products.json when a directory holds both', async () => {
    expect(cycles(await collect(eolDir))).toEqual(fromAll);
  });

  it('skips bad dates, nameless releases and unreadable pages in a directory, naming them', async () => {
    const items = await collect(testdata('pages-with-problems'), 'pages');
    expect(cycles(items)).toEqual([
      { product: 'good', cycle: '3.10', releaseDate: '2021-10-04', eol: '2026-10-31', eoas: false, latest: '3.10.15' },
      { product: 'good', cycle: '2', releaseDate: '2000-10-16', eol: true },
    ]);
    expect(skips(items)).toEqual([
      expect.stringMatching(/^pages\/products\/broken\.md: front matter is not valid YAML/) as unknown,
      'pages/products/good.md releases[2]: 1: eol is neither a YYYY-MM-DD date nor a boolean: "2000-02-30"',
      'pages/products/good.md releases[3]: release has no cycle name',
      'pages/products/plain.md: no YAML front matter (--- … ---)',
    ]);
  });

  it('rejects a lone page without front matter with E_FEED_FORMAT naming it', async () => {
    await expect(collect(testdata('pages-with-problems', 'products', 'plain.md'), 'plain.md')).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: 'plain.md' });
  });
});

describe('eolFormat on the API', () => {
  it('reads an API v1 product: dates where known, else the flags', async () => {
    const items = await collect(testdata('api-v1-product.json'), 'ubuntu.json');
    expect(cycles(items)).toEqual([
      { product: 'ubuntu', cycle: '24.04', codename: 'Noble Numbat', releaseDate: '2024-04-25', eol: '2029-05-31', eoas: '2029-05-31', eoes: '2036-04-25', lts: true, latest: '24.04.3' },
      { product: 'ubuntu', cycle: '23.10', codename: 'Mantic Minotaur', releaseDate: '2023-10-12', eol: '2024-07-11', eoas: '2024-07-11', lts: false, latest: '23.10' },
    ]);
    expect(skips(items)).toEqual([
      'ubuntu.json releases[2]: 0.1: releaseDate is not a YYYY-MM-DD date: "yesterday"',
      'ubuntu.json releases[3]: release has no cycle name',
    ]);
  });

  it('reads the legacy API, named by its file', async () => {
    expect(cycles(await collect(testdata('legacy-api', 'nodejs.json')))).toEqual([
      { product: 'nodejs', cycle: '22', releaseDate: '2024-04-24', eol: '2027-04-30', eoas: '2025-10-21', eoes: false, lts: '2024-10-29', latest: '22.9.0' },
      { product: 'nodejs', cycle: '21', releaseDate: '2023-10-17', eol: '2024-06-01', eoas: '2024-04-01', lts: false, latest: '21.7.3' },
    ]);
  });
});

describe('eolFormat.sniff', () => {
  const head = (path: string) => readFileSync(path).subarray(0, 4096);
  it('claims the three shapes and endoflife.date directories', () => {
    expect(eolFormat.sniff(allProducts, head(allProducts), false)).toBe(true);
    const page = join(eolDir, 'products', 'alpine-linux.md');
    expect(eolFormat.sniff(page, head(page), false)).toBe(true);
    expect(eolFormat.sniff('x.json', head(testdata('api-v1-product.json')), false)).toBe(true);
    expect(eolFormat.sniff('nodejs.json', head(testdata('legacy-api', 'nodejs.json')), false)).toBe(true);
    expect(eolFormat.sniff(eolDir, new Uint8Array(), true)).toBe(true);
    expect(eolFormat.sniff(join(eolDir, 'products'), new Uint8Array(), true)).toBe(true);
  });
  it('does not claim other feeds or unrelated directories', () => {
    for (const path of [
      vulndata('kev', 'known_exploited_vulnerabilities.json'),
      vulndata('debian', 'tracker-json-sample', 'debian.json'),
      vulndata('debian', 'osv-samples', 'DSA-5474-1.json'),
      vulndata('epss', 'epss-excerpt-2024-10-25.csv'),
    ]) {
      expect(eolFormat.sniff(path, head(path), false)).toBe(false);
    }
    expect(eolFormat.sniff(vulndata('osv'), new Uint8Array(), true)).toBe(false);
    expect(eolFormat.sniff(join(dir, 'absent'), new Uint8Array(), true)).toBe(false);
  });
});

describe('eolFormat on hostile input', () => {
  it('rejects truncated and non-endoflife JSON with E_FEED_FORMAT naming the file', async () => {
    for (const [name, text] of [
      ['cut.json', '{"debian": {"releases": [{"releaseCycle": "12"'],
      ['other.json', '{"id": "CVE-2024-1"}'],
      ['number.json', '42'],
      ['result.json', '{"schema_version": "1.2.0", "result": {"name": "12", "isEol": false}}'],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, text);
      await expect(collect(path, name), name).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: name });
    }
  });

  it('skips a product holding a 50 MB cycle name', async () => {
    const path = join(dir, 'all-products.json');
    writeFileSync(path, `{"big": {"releases": [{"releaseCycle": "1", "releaseDate": "${'9'.repeat(50 * 1024 * 1024)}"}]}, "small": {"releases": [{"releaseCycle": "1"}]}}`);
    const items = await collect(path, 'all-products.json');
    expect(skips(items)).toEqual([expect.stringMatching(/^all-products\.json big releases\[0\]: 1: releaseDate is not a YYYY-MM-DD date/) as unknown]);
    expect(cycles(items)).toEqual([{ product: 'small', cycle: '1' }]);
  });
});
