import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { garbage } from '../../../../test/garbage.js';
import { vulndata } from '../../../../test/shared-data.js';
import type { EpssScore, FeedItem } from '../../advisory.js';
import { epssFormat } from './epss-format.js';

const testdata = (name: string) => join(import.meta.dirname, 'testdata', name);
const excerpt = vulndata('epss', 'epss-excerpt-2024-10-25.csv');
const dir = mkdtempSync(join(tmpdir(), 'grout-epss-'));

async function collect(path: string, label = path): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of epssFormat.parse({ path, label }, { feed: 'epss' })) items.push(item);
  return items;
}

const scores = (items: FeedItem[]): EpssScore[] => items.flatMap((i) => (i.type === 'epss' ? [i.score] : []));
const skips = (items: FeedItem[]): string[] => items.flatMap((i) => (i.type === 'skipped' ? [`${i.where}: ${i.reason}`] : []));

describe('epssFormat on the real excerpt', async () => {
  const items = await collect(excerpt, 'epss.csv');

  it('yields every row, dated by score_date', () => {
    // MANIFEST §8 says 28 rows, counting newlines; the last of the 29 rows has no trailing newline.
    expect(scores(items)).toHaveLength(29);
    expect(scores(items).at(-1)).toEqual({ cve: 'CVE-2024-9987', score: 0.00043, percentile: 0.09778, date: '2024-10-25' });
    expect(skips(items)).toEqual([]);
    expect(new Set(scores(items).map((s) => s.date))).toEqual(new Set(['2024-10-25']));
    expect(scores(items)[0]).toEqual({ cve: 'CVE-1999-0005', score: 0.91963, percentile: 0.9903, date: '2024-10-25' });
  });

  it('reads the gzip file (as published) the same way', async () => {
    const path = join(dir, 'epss_scores-2024-10-25.csv.gz');
    writeFileSync(path, gzipSync(readFileSync(excerpt)));
    expect(await collect(path, 'epss.csv')).toEqual(items);
    expect(epssFormat.sniff(path, readFileSync(path).subarray(0, 4096), false)).toBe(true);
  });

  it('streams 300k rows', async () => {
    const lines = ['#model_version:v2023.03.01,score_date:2024-10-25T00:00:00+0000', 'cve,epss,percentile'];
    for (let i = 0; i < 300_000; i++) lines.push(`CVE-2024-${String(10000 + i)},0.0004${i % 10},0.1${i % 7}`);
    const path = join(dir, 'big.csv.gz');
    writeFileSync(path, gzipSync(lines.join('\n')));
    let count = 0;
    for await (const item of epssFormat.parse({ path, label: 'big.csv.gz' }, { feed: 'epss' })) if (item.type === 'epss') count++;
    expect(count).toBe(300_000);
  });
});

describe('epssFormat.sniff', () => {
  const head = (path: string) => readFileSync(path).subarray(0, 4096);
  it('claims EPSS CSV, with or without the comment line, and nothing else', () => {
    expect(epssFormat.sniff(excerpt, head(excerpt), false)).toBe(true);
    expect(epssFormat.sniff('x.csv', Buffer.from('cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n'), false)).toBe(true);
    for (const path of [vulndata('kev', 'known_exploited_vulnerabilities.json'), vulndata('debian', 'security-tracker', 'DSA.list')]) {
      expect(epssFormat.sniff(path, head(path), false)).toBe(false);
    }
  });
});

describe('epssFormat on hostile input', () => {
  it('skips garbage rows with their line numbers', async () => {
    const items = await collect(testdata('garbage-rows.csv'), 'garbage-rows.csv');
    expect(scores(items).map((s) => [s.cve, s.score, s.percentile])).toEqual([
      ['CVE-2024-0001', 0.5, 0.9],
      ['CVE-2024-0007', 0.001, 1],
    ]);
    expect(skips(items)).toEqual([
      'garbage-rows.csv:4: not a CVE id: "not-a-cve"',
      'garbage-rows.csv:5: CVE-2024-0002: epss is not a number between 0 and 1: "1.5"',
      'garbage-rows.csv:6: CVE-2024-0003: percentile is not a number between 0 and 1: ""',
      'garbage-rows.csv:7: CVE-2024-0004: epss is not a number between 0 and 1: "NaN"',
      'garbage-rows.csv:8: CVE-2024-0005: epss is not a number between 0 and 1: "0x1"',
      'garbage-rows.csv:9: CVE-2024-0006: epss is not a number between 0 and 1: "-0.1"',
      'garbage-rows.csv:10: not a CVE id: ""',
    ]);
  });

  it('keeps scores without a date when score_date is not a date, and says so', async () => {
    const items = await collect(testdata('bad-score-date.csv'), 'bad-score-date.csv');
    expect(scores(items)).toEqual([{ cve: 'CVE-2024-0001', score: 0.5, percentile: 0.9 }]);
    expect(skips(items)).toEqual(['bad-score-date.csv:1: score_date is not a date: "2024-13-45T00:00:00+0000"; scores kept without a date']);
  });

  it('skips a 50 MB row, and rejects files that are not EPSS with E_FEED_FORMAT naming them', async () => {
    const long = join(dir, 'long.csv');
    writeFileSync(long, Buffer.concat([Buffer.from('cve,epss,percentile\n'), Buffer.alloc(50 * 1024 * 1024, '9'), Buffer.from('\nCVE-2024-0001,0.1,0.2\n')]));
    const items = await collect(long, 'long.csv');
    expect(skips(items)).toEqual(['long.csv:2: line too long']);
    expect(scores(items)).toHaveLength(1);

    for (const [name, bytes] of [
      ['no-header.csv', Buffer.from('CVE-2024-0001,0.1,0.2\n')],
      ['binary.csv', garbage(64 * 1024)],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      await expect(collect(path, name)).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: name });
    }
  });
});
