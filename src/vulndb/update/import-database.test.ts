import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vulndata } from '../../../test/shared-data.js';
import { GroutError } from '../../core/errors.js';
import { FEED_FORMATS } from '../feeds/index.js';
import type { FeedStatus } from '../store.js';
import { openAdvisoryStore } from '../store/sqlite-store.js';
import { discoverFeeds, importDatabase, type ImportSummary } from './import-database.js';
import { groutFailure as failure } from '../../../test/grout-error.js';

const work = mkdtempSync(join(tmpdir(), 'grout-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));


describe('importDatabase of the whole vulndata mirror', () => {
  const db = join(work, 'all', 'grout.db');
  let summary: ImportSummary;
  let importMs = 0;

  beforeAll(async () => {
    const started = performance.now();
    summary = await importDatabase(db, [vulndata()]);
    importMs = performance.now() - started;
  });

  it('finds one feed per format area, named <format>:<path under the import root>', () => {
    expect(summary.feeds.map((f) => f.name)).toEqual([
      'alpine-secdb:alpine',
      'osv:debian/osv-samples',
      'debian-dsa-list:debian/security-tracker/DLA.list',
      'debian-dsa-list:debian/security-tracker/DSA.list',
      'debian-tracker:debian/tracker-json-sample/debian.json',
      'eol:eol/endoflife-date',
      'epss:epss/epss-excerpt-2024-10-25.csv',
      'kev:kev/known_exploited_vulnerabilities.json',
      'osv:malicious',
      'osv:osv',
      'osv:ubuntu',
    ]);
    expect(summary.feeds.every((f) => f.outcome === 'updated')).toBe(true);
    expect(summary.ignored).toContain(vulndata('MANIFEST.md'));
  });

  it('stores exactly what the parsers yield, per feed', async () => {
    for (const feed of discoverFeeds(vulndata(), FEED_FORMATS).feeds) {
      const expected = { advisories: 0, kev: 0, epss: 0, eol: 0, skipped: 0 };
      const ids = new Set<string>();
      for await (const item of feed.handler.parse({ path: feed.path, label: feed.path }, { feed: feed.name })) {
        if (item.type === 'advisory') {
          if (ids.has(item.advisory.id)) expected.skipped++;
          else expected.advisories++;
          ids.add(item.advisory.id);
        } else if (item.type === 'skipped') expected.skipped++;
        else expected[item.type]++;
      }
      const status = summary.feeds.find((f) => f.name === feed.name)?.status as FeedStatus;
      expect({ advisories: status.advisories, kev: status.kev, epss: status.epss, eol: status.eol, skipped: status.skipped }, feed.name).toEqual(expected);
      expect(status.source).toBe(feed.path);
    }
    const raw = new Database(db, { readonly: true });
    const rows = raw.prepare('SELECT feed, count(*) AS n FROM advisories GROUP BY feed').all() as { feed: string; n: number }[];
    raw.close();
    for (const { feed, n } of rows) expect(summary.feeds.find((f) => f.name === feed)?.status?.advisories, feed).toBe(n);
  });

  it('answers look-ups across formats; 2,000 look-ups timed (reported, not asserted)', () => {
    const store = openAdvisoryStore(db);
    try {
      expect(store.kev('CVE-2021-44228')).toBeDefined();
      expect(store.epss('CVE-1999-0005')).toMatchObject({ score: 0.91963, percentile: 0.9903, date: '2024-10-25' });
      expect(store.eol('debian').some((c) => c.cycle === '12')).toBe(true);
      expect(store.affecting('Maven', 'org.apache.logging.log4j:log4j-core').map((r) => r.advisory.id)).toContain('GHSA-jfh8-c2jp-5v3q');
      expect(store.affecting('Debian:11', 'xorg-server').some((r) => r.advisory.id === 'DSA-5380-1')).toBe(true);
      expect(store.ecosystems()).toEqual(expect.arrayContaining(['Alpine:v3.11', 'Debian:11', 'Go', 'PyPI', 'crates.io', 'npm', 'Ubuntu:22.04:LTS']));
    } finally {
      store.close();
    }
    const raw = new Database(db, { readonly: true });
    const known = raw.prepare('SELECT DISTINCT ecosystem, name_key FROM affected ORDER BY ecosystem, name_key').all() as { ecosystem: string; name_key: string }[];
    raw.close();
    // Every 3rd known package, the rest misses: roughly what a real image's packages look like against the DB.
    const queries: [string, string][] = [];
    for (let i = 0; queries.length < 2000; i++) {
      const k = known[(i * 7) % known.length] as { ecosystem: string; name_key: string };
      queries.push(i % 3 === 0 ? [k.ecosystem, k.name_key] : ['npm', `not-a-vulnerable-package-${i}`]);
    }
    const allKnown = known.slice(0, 2000).map((k): [string, string] => [k.ecosystem, k.name_key]);
    const timings: string[] = [];
    for (const [label, list] of [
      ['mixed', queries],
      ['all known', allKnown],
    ] as const) {
      const store2 = openAdvisoryStore(db);
      const started = performance.now();
      let rows = 0;
      for (const [eco, name] of list) rows += store2.affecting(eco, name).length;
      const cold = performance.now() - started;
      const again = performance.now();
      for (const [eco, name] of list) store2.affecting(eco, name);
      const warm = performance.now() - again;
      store2.close();
      timings.push(`${label}: ${cold.toFixed(0)} ms cold, ${warm.toFixed(0)} ms warm, ${rows} rows`);
    }
    process.stderr.write(`vulndata import: ${importMs.toFixed(0)} ms, DB ${(statSync(db).size / 1024 / 1024).toFixed(1)} MiB; 2,000 affecting() look-ups — ${timings.join('; ')}\n`);
  });
});

describe('importDatabase', () => {
  it('keeps other feeds; importing the same path again replaces that feed', async () => {
    const db = join(work, 'keep', 'grout.db');
    const kevFile = vulndata('kev', 'known_exploited_vulnerabilities.json');
    await importDatabase(db, [kevFile]);
    await importDatabase(db, [vulndata('epss')]);
    const again = await importDatabase(db, [kevFile]);
    expect(again.feeds.map((f) => f.name)).toEqual(['kev:known_exploited_vulnerabilities.json']);
    const store = openAdvisoryStore(db);
    expect(store.metadata().feeds.map((f) => [f.name, f.kev + f.epss])).toEqual([
      ['epss:epss-excerpt-2024-10-25.csv', 29],
      ['kev:known_exploited_vulnerabilities.json', 1404],
    ]);
    store.close();
  });

  it('nothing recognised → E_FEED_FORMAT naming the path; a missing path → E_IO', async () => {
    const dir = mkdtempSync(join(work, 'junk-'));
    writeFileSync(join(dir, 'README.md'), '# not a feed\n');
    writeFileSync(join(dir, 'data.bin'), Buffer.from([0, 1, 2, 3]));
    const err = await failure(importDatabase(join(work, 'junk.db'), [dir]));
    expect(err.code).toBe('E_FEED_FORMAT');
    expect(err.message).toBe(`${dir}: not a feed grout can read, and nothing inside it is one`);
    const file = await failure(importDatabase(join(work, 'junk.db'), [join(dir, 'README.md')]));
    expect(file.message).toBe(`${join(dir, 'README.md')}: not a feed grout can read`);
    const missing = await failure(importDatabase(join(work, 'junk.db'), [join(dir, 'nope')]));
    expect(missing.code).toBe('E_IO');
    expect(missing.message).toContain(join(dir, 'nope'));
  });

  it('a feed that fails to parse is reported and keeps its previous data', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const file = join(dir, 'pypa.jsonl.gz');
    writeFileSync(file, readFileSync(vulndata('osv', 'pypa.jsonl.gz')));
    const db = join(dir, 'grout.db');
    const first = await importDatabase(db, [file]);
    const before = first.feeds[0]?.status?.advisories;
    writeFileSync(file, readFileSync(vulndata('osv', 'pypa.jsonl.gz')).subarray(0, 30_000));
    const second = await importDatabase(db, [file]);
    expect(second.feeds[0]).toMatchObject({ name: 'osv:pypa.jsonl.gz', outcome: 'failed', status: { advisories: before } });
    expect(second.feeds[0]?.status?.lastError).toMatch(/truncated or corrupt gzip/);
  });
});
