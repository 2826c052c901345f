import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroutError } from '../../core/errors.js';
import { StoreBuilder } from '../store/store-builder.js';
import { itemsOf, sampleAdvisories } from '../store/testdata/sample-feed.js';
import { databaseStatus, formatAge } from './database-status.js';

const work = mkdtempSync(join(tmpdir(), 'grout-status-'));
const db = join(work, 'grout.db');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  const builder = await StoreBuilder.open(db, { now: () => new Date('2026-11-01T00:00:00Z') });
  await builder.loadFeed({ name: 'osv-npm', format: 'osv', source: 'https://example.test/npm/all.zip', fingerprint: 'sha256=aa;parser=osv@1' }, itemsOf(sampleAdvisories('osv-npm')));
  builder.failFeed({ name: 'kev', format: 'kev', source: 'https://example.test/kev.json' }, new GroutError('E_NETWORK', 'cannot download https://example.test/kev.json: HTTP 503'));
  await builder.commit();
});

describe('databaseStatus', () => {
  it('lists every feed with source, fingerprint, counts, skipped examples and errors', () => {
    const status = databaseStatus(db, { now: () => new Date('2026-11-02T12:00:00Z') });
    expect(status).toMatchObject({ path: db, schemaVersion: 1, builtAt: '2026-11-01T00:00:00.000Z', ageHours: 36, maxAgeHours: 120, stale: false });
    expect(status.sizeBytes).toBeGreaterThan(0);
    expect(status.feeds.map((f) => f.name)).toEqual(['kev', 'osv-npm']);
    expect(status.feeds[1]).toMatchObject({ source: 'https://example.test/npm/all.zip', fingerprint: 'sha256=aa;parser=osv@1', advisories: 4, skipped: 1, skippedExamples: ['bad.json: not JSON'] });
    expect(status.warnings).toEqual(['kev: the last update failed (cannot download https://example.test/kev.json: HTTP 503); it still has its previous data']);
  });

  it('warns when the database is older than the maximum age', () => {
    const status = databaseStatus(db, { now: () => new Date('2026-11-10T00:00:00Z'), maxAgeHours: 48 });
    expect(status.stale).toBe(true);
    expect(status.warnings[0]).toBe('the database is 9 days old (built 2026-11-01T00:00:00.000Z), older than the 48 h maximum: run grout db update');
    expect(formatAge(5.5)).toBe('5.5 h');
  });

  it('a missing database is E_DB_MISSING with the two ways to get one', () => {
    expect(() => databaseStatus(join(work, 'none.db'))).toThrow(expect.objectContaining({ code: 'E_DB_MISSING' }));
  });
});
