import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { GroutError } from '../../core/errors.js';
import type { FeedItem } from '../advisory.js';
import { openAdvisoryStore } from './sqlite-store.js';
import { StoreBuilder } from './store-builder.js';
import { removeStaleTempFiles, tempFileOwner, tempPathFor } from './temp-files.js';
import { advisory, affectedPackage, itemsOf, sampleAdvisories, sampleEnrichment } from './testdata/sample-feed.js';

const work = mkdtempSync(join(tmpdir(), 'grout-builder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let clock = Date.parse('2026-11-01T00:00:00Z');
const now = () => new Date((clock += 60_000));

async function build(dbPath: string, feeds: Record<string, FeedItem[] | 'keep' | 'drop'>): Promise<void> {
  const builder = await StoreBuilder.open(dbPath, { now, batchSize: 3 });
  for (const [name, items] of Object.entries(feeds)) {
    if (items === 'keep') builder.keepFeed(name);
    else if (items === 'drop') builder.dropFeed(name);
    else await builder.loadFeed({ name, format: 'osv', source: `/src/${name}` }, itemsOf(items));
  }
  await builder.commit();
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.tmp-'));
}

describe('StoreBuilder', () => {
  it('carries forward feeds it was not given, replaces the ones it was, drops on request', async () => {
    const dir = mkdtempSync(join(work, 'carry-'));
    const db = join(dir, 'grout.db');
    await build(db, { a: sampleAdvisories('a'), b: sampleEnrichment(), c: [{ type: 'advisory', advisory: advisory('c', 'C-1', [affectedPackage('Go', 'example.com/x', '1.0.0')]) }] });
    const first = openAdvisoryStore(db).metadata().feeds.find((f) => f.name === 'b');
    await build(db, { a: [{ type: 'advisory', advisory: advisory('a', 'NEW-1', [affectedPackage('npm', 'lodash', '5.0.0')]) }], c: 'drop' });
    const store = openAdvisoryStore(db);
    try {
      expect(store.affecting('npm', 'lodash').map((r) => r.advisory.id)).toEqual(['NEW-1']);
      expect(store.affecting('PyPI', 'flask')).toEqual([]);
      expect(store.kev('CVE-2021-44228')).toBeDefined();
      expect(store.eol('debian').map((c) => c.cycle)).toEqual(['12', '11', '9']);
      expect(store.affecting('Go', 'example.com/x')).toEqual([]);
      const feeds = store.metadata().feeds;
      expect(feeds.map((f) => f.name)).toEqual(['a', 'b']);
      // The carried feed's status is exactly what it was, updatedAt included.
      expect(feeds.find((f) => f.name === 'b')).toEqual(first);
      expect(store.ecosystems()).toEqual(['npm']);
    } finally {
      store.close();
    }
    expect(tempFiles(dir)).toEqual([]);
  });

  it('a feed that fails mid-way keeps its previous data and records lastError; others are updated', async () => {
    const dir = mkdtempSync(join(work, 'fail-'));
    const db = join(dir, 'grout.db');
    await build(db, { good: sampleEnrichment(), bad: sampleAdvisories('bad') });
    const builder = await StoreBuilder.open(db, { now, batchSize: 2 });
    const newer: FeedItem[] = [{ type: 'kev', entry: { cve: 'CVE-2099-0001', dateAdded: '2099-01-01', knownRansomwareCampaignUse: false } }];
    await builder.loadFeed({ name: 'good', format: 'kev', source: '/k' }, itemsOf(newer));
    const many: FeedItem[] = Array.from({ length: 10 }, (_, i) => ({ type: 'advisory', advisory: advisory('bad', `X-${i}`, [affectedPackage('npm', 'partial', '1.0.0')]) }));
    const result = await builder.loadFeed({ name: 'bad', format: 'osv', source: '/b' }, itemsOf(many, 7));
    expect(result.error).toBeInstanceOf(Error);
    expect(result.status.lastError).toBe('truncated: unexpected end of data');
    await builder.commit();
    const store = openAdvisoryStore(db);
    try {
      expect(store.kev('CVE-2099-0001')).toBeDefined();
      expect(store.kev('CVE-2021-44228')).toBeUndefined();
      // Not one row of the partial load survives; the old rows are all there.
      expect(store.affecting('npm', 'partial')).toEqual([]);
      expect(store.affecting('npm', 'lodash')).toHaveLength(2);
      const bad = store.metadata().feeds.find((f) => f.name === 'bad');
      expect(bad).toMatchObject({ advisories: 4, skipped: 1, lastError: 'truncated: unexpected end of data', source: '/src/bad' });
    } finally {
      store.close();
    }
  });

  it('a failing feed that never loaded before is listed, empty, with its error', async () => {
    const dir = mkdtempSync(join(work, 'fresh-fail-'));
    const db = join(dir, 'grout.db');
    const builder = await StoreBuilder.open(db, { now });
    builder.failFeed({ name: 'kev', format: 'kev', source: 'http://127.0.0.1:9/kev.json' }, new GroutError('E_NETWORK', 'cannot download http://127.0.0.1:9/kev.json', { hint: 'grout db import …' }));
    await builder.commit();
    const store = openAdvisoryStore(db);
    expect(store.metadata().feeds).toEqual([
      { name: 'kev', format: 'kev', source: 'http://127.0.0.1:9/kev.json', advisories: 0, kev: 0, epss: 0, eol: 0, skipped: 0, skippedExamples: [], lastError: 'cannot download http://127.0.0.1:9/kev.json (grout db import …)' },
    ]);
    store.close();
  });

  it('counts skipped records and keeps the first five reasons; duplicate ids are skipped', async () => {
    const dir = mkdtempSync(join(work, 'skips-'));
    const db = join(dir, 'grout.db');
    const skips: FeedItem[] = Array.from({ length: 8 }, (_, i) => ({ type: 'skipped', where: `f${i}.json`, reason: 'bad range' }));
    const dup = advisory('s', 'D-1', [affectedPackage('npm', 'x', '1.0.0')]);
    await build(db, { s: [{ type: 'advisory', advisory: dup }, { type: 'advisory', advisory: dup }, ...skips] });
    const store = openAdvisoryStore(db);
    const s = store.metadata().feeds[0];
    expect(s?.skipped).toBe(9);
    expect(s?.skippedExamples).toEqual(['D-1: duplicate advisory id in s; kept the first', 'f0.json: bad range', 'f1.json: bad range', 'f2.json: bad range', 'f3.json: bad range']);
    expect(store.affecting('npm', 'x')).toHaveLength(1);
    store.close();
  });

  it('an abandoned build leaves the old file untouched and no temp file', async () => {
    const dir = mkdtempSync(join(work, 'abort-'));
    const db = join(dir, 'grout.db');
    await build(db, { a: sampleAdvisories('a') });
    const builder = await StoreBuilder.open(db, { now });
    await builder.loadFeed({ name: 'a', format: 'osv', source: '/x' }, itemsOf([]));
    expect(existsSync(builder.tempPath)).toBe(true);
    builder.abort();
    expect(tempFiles(dir)).toEqual([]);
    const store = openAdvisoryStore(db);
    expect(store.affecting('npm', 'lodash')).toHaveLength(2);
    store.close();
  });

  it('removes temp files of dead processes only, and ignores files that merely look similar', async () => {
    const dir = mkdtempSync(join(work, 'stale-'));
    const db = join(dir, 'grout.db');
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    const dead = `${db}.tmp-${deadPid}-0123456789ab`;
    const live = tempPathFor(db);
    const unrelated = [`${db}.tmp-notapid-0123456789ab`, `${db}.bak`, join(dir, 'other.db.tmp-1-0123456789ab')];
    for (const f of [dead, live, ...unrelated]) writeFileSync(f, 'x');
    expect(tempFileOwner(db, dead)).toBe(deadPid);
    expect(tempFileOwner(db, live)).toBe(process.pid);
    expect(removeStaleTempFiles(db)).toEqual([dead]);
    expect(existsSync(live)).toBe(true);
    for (const f of unrelated) expect(existsSync(f)).toBe(true);
  });

  it('two concurrent builds never corrupt the database: the last rename wins', async () => {
    const dir = mkdtempSync(join(work, 'concurrent-'));
    const db = join(dir, 'grout.db');
    await build(db, { base: sampleEnrichment() });
    async function* slow(id: string, n: number): AsyncIterable<FeedItem> {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield { type: 'advisory', advisory: advisory(id, `${id}-${i}`, [affectedPackage('npm', `pkg-${i % 7}`, '1.0.0')]) };
      }
    }
    const run = async (id: string, n: number) => {
      const builder = await StoreBuilder.open(db, { batchSize: 10 });
      await builder.loadFeed({ name: id, format: 'osv', source: id }, slow(id, n));
      return builder.commit();
    };
    await Promise.all([run('one', 120), run('two', 60), run('three', 90)]);
    const store = openAdvisoryStore(db);
    const names = store.metadata().feeds.map((f) => f.name);
    // Every build started from the same old file, so the survivor has the base feed plus exactly its own feed.
    expect(names).toHaveLength(2);
    expect(names).toContain('base');
    expect(store.kev('CVE-2021-44228')).toBeDefined();
    store.close();
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    expect(tempFiles(dir)).toEqual([]);
  });
});
