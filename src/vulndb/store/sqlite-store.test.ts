import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroutError } from '../../core/errors.js';
import type { AdvisoryStore } from '../store.js';
import { openAdvisoryStore } from './sqlite-store.js';
import { StoreBuilder } from './store-builder.js';
import { itemsOf, sampleAdvisories, sampleEnrichment } from './testdata/sample-feed.js';

const work = mkdtempSync(join(tmpdir(), 'grout-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dbPath = join(work, 'grout.db');
const now = () => new Date('2026-11-01T10:00:00.000Z');
let store: AdvisoryStore;

beforeAll(async () => {
  const builder = await StoreBuilder.open(dbPath, { now, batchSize: 2 });
  await builder.loadFeed({ name: 'osv-sample', format: 'osv', source: 'https://example.test/all.zip', fingerprint: 'sha256=ab' }, itemsOf(sampleAdvisories('osv-sample')));
  await builder.loadFeed({ name: 'extra', format: 'kev', source: '/mirror/kev.json' }, itemsOf(sampleEnrichment()));
  await builder.commit();
  store = openAdvisoryStore(dbPath);
});
afterAll(() => store.close());

function errorOf(fn: () => unknown): GroutError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GroutError) return err;
    throw err;
  }
  throw new Error('expected a GroutError');
}

describe('openAdvisoryStore', () => {
  it('finds every affected entry of a package, with its advisory, by normalised name', () => {
    const lodash = store.affecting('npm', 'lodash');
    expect(lodash.map((r) => r.advisory.id)).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-p6mc-m468-83gw']);
    expect(lodash[1]?.affected).toMatchObject({ ecosystem: 'npm', name: 'lodash', ranges: [{ events: [{ introduced: '0' }, { fixed: '4.17.19' }] }] });
    expect(lodash[1]?.advisory.affected).toHaveLength(2);
    // PEP 503: flask, FLASK and Flask are one package; npm names are case-sensitive.
    expect(store.affecting('PyPI', 'FLASK').map((r) => r.advisory.id)).toEqual(['PYSEC-2023-62']);
    expect(store.affecting('npm', 'Lodash')).toEqual([]);
    // Exact release: a Debian 12 advisory never answers for Debian 11.
    expect(store.affecting('Debian:12', 'openssl')).toHaveLength(1);
    expect(store.affecting('Debian:11', 'openssl')).toEqual([]);
  });

  it('returns the same parsed advisory object for repeated look-ups (per-store cache)', () => {
    const a = store.affecting('npm', 'lodash')[0]?.advisory;
    const b = store.affecting('npm', 'lodash')[0]?.advisory;
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(store.advisory('GHSA-35jh-r3h4-6jhm')).toBe(a);
  });

  it('answers advisories by id, ecosystems, KEV, EPSS and EOL', () => {
    expect(store.ecosystems()).toEqual(['Debian:12', 'PyPI', 'npm']);
    expect(store.advisory('PYSEC-2023-62')).toMatchObject({ id: 'PYSEC-2023-62', feed: 'osv-sample', aliases: ['CVE-2023-30861'] });
    expect(store.advisory('NOPE-1')).toBeUndefined();
    expect(store.kev('CVE-2021-44228')).toMatchObject({ product: 'Log4j2', knownRansomwareCampaignUse: true });
    expect(store.kev('CVE-2000-0001')).toBeUndefined();
    expect(store.epss('CVE-2021-44228')).toEqual({ cve: 'CVE-2021-44228', score: 0.97, percentile: 0.9999, date: '2024-10-25' });
    // The feed's own cycle order, not text order ("9" would sort after "12").
    expect(store.eol('debian').map((c) => c.cycle)).toEqual(['12', '11', '9']);
    expect(store.eol('nothing')).toEqual([]);
  });

  it('reports metadata: schema version, build time, per-feed status with skipped examples', () => {
    const meta = store.metadata();
    expect(meta.schemaVersion).toBe(1);
    expect(meta.builtAt).toBe('2026-11-01T10:00:00.000Z');
    expect(meta.feeds.map((f) => f.name)).toEqual(['extra', 'osv-sample']);
    expect(meta.feeds[1]).toEqual({
      name: 'osv-sample',
      format: 'osv',
      source: 'https://example.test/all.zip',
      fingerprint: 'sha256=ab',
      updatedAt: '2026-11-01T10:00:00.000Z',
      advisories: 4,
      kev: 0,
      epss: 0,
      eol: 0,
      skipped: 1,
      skippedExamples: ['bad.json: not JSON'],
    });
    expect(meta.feeds[0]).toMatchObject({ kev: 1, epss: 1, eol: 3 });
  });

  it('says exactly how to get a database when there is none', () => {
    const err = errorOf(() => openAdvisoryStore(join(work, 'missing', 'grout.db')));
    expect(err.code).toBe('E_DB_MISSING');
    expect(err.message).toContain(join(work, 'missing', 'grout.db'));
    expect(err.hint).toContain('grout db update');
    expect(err.hint).toContain('grout db import <dir|zip|file>');
  });

  it('refuses a file that is not a grout database, naming it', () => {
    const garbage = join(work, 'garbage.db');
    writeFileSync(garbage, 'this is not SQLite at all, just some text that is long enough to be a header.'.repeat(20));
    const empty = join(work, 'empty.db');
    writeFileSync(empty, '');
    const foreign = join(work, 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    for (const path of [garbage, empty, foreign, work]) {
      const err = errorOf(() => openAdvisoryStore(path));
      expect(err.code, path).toBe('E_DB_FORMAT');
      expect(err.message).toContain(path);
    }
  });

  it('refuses a grout database of another schema version', () => {
    const other = join(work, 'other-version.db');
    const d = new Database(other);
    d.pragma('application_id = 1198683222');
    d.pragma('user_version = 99');
    d.close();
    const err = errorOf(() => openAdvisoryStore(other));
    expect(err.code).toBe('E_DB_FORMAT');
    expect(err.message).toMatch(/schema version 99.*version 1/);
    expect(err.hint).toContain('upgrade grout');
  });
});
