import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vulndata } from '../../../test/shared-data.js';
import { GroutError } from '../../core/errors.js';
import type { FeedSetting } from '../feed-config.js';
import { openAdvisoryStore } from '../store/sqlite-store.js';
import { closedPort, startFeedServer, type FeedServer } from './testdata/feed-server.js';
import { updateDatabase, type UpdateOptions } from './update-database.js';
import type { UpdateEvent } from './update-events.js';
import { groutFailure as failure } from '../../../test/grout-error.js';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'grout-update-'));
let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer(vulndata());
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const PATHS = {
  kev: '/kev/known_exploited_vulnerabilities.json',
  epss: '/epss/epss-excerpt-2024-10-25.csv',
  'osv-pypi': '/osv/pypa.jsonl.gz',
  'debian-dsa': '/debian/security-tracker/DSA.list',
  'alpine-v3.11-main': '/alpine/secdb-legacy/v3.11/main.yaml',
} as const;
const FORMATS = { kev: 'kev', epss: 'epss', 'osv-pypi': 'osv', 'debian-dsa': 'debian-dsa-list', 'alpine-v3.11-main': 'alpine-secdb' } as const;

function feeds(): FeedSetting[] {
  return (Object.keys(PATHS) as (keyof typeof PATHS)[]).map((name) => ({ name, format: FORMATS[name], url: server.url(PATHS[name]), description: name, enabled: true }));
}

const fast: UpdateOptions['fetch'] = { retries: 1, retryDelayMs: 5, maxRetryDelayMs: 20, timeoutMs: 5000 };

function freshDb(): string {
  return join(mkdtempSync(join(work, 'db-')), 'grout.db');
}



function kevWithOneBadEntry(): string {
  const doc = JSON.parse(readFileSync(vulndata('kev', 'known_exploited_vulnerabilities.json'), 'utf8')) as { vulnerabilities: Record<string, unknown>[]; count: number };
  doc.vulnerabilities = [doc.vulnerabilities[0] as Record<string, unknown>, { ...doc.vulnerabilities[1], cveID: 12 }];
  doc.count = 2;
  return JSON.stringify(doc);
}

describe('updateDatabase', () => {
  const db = freshDb();

  it('downloads, parses and builds every feed; progress events say what happened', async () => {
    const events: UpdateEvent[] = [];
    const summary = await updateDatabase({ dbPath: db, feeds: feeds(), fetch: fast, onProgress: (e) => events.push(e) });
    expect(summary.rebuilt).toBe(true);
    expect(summary.feeds.map((f) => [f.name, f.outcome])).toEqual(Object.keys(PATHS).map((n) => [n, 'updated']));
    const byName = new Map(summary.feeds.map((f) => [f.name, f.status]));
    expect(byName.get('kev')).toMatchObject({ kev: 1404, source: server.url(PATHS.kev) });
    expect(byName.get('epss')?.epss).toBeGreaterThan(20);
    expect(byName.get('osv-pypi')?.advisories).toBeGreaterThan(2000);
    expect(byName.get('osv-pypi')?.fingerprint).toMatch(/^sha256=[0-9a-f]{64};etag=.*;modified=.*;parser=osv@\d+$/);
    expect(byName.get('debian-dsa')?.advisories).toBeGreaterThan(5000);
    for (const type of ['feed-start', 'feed-bytes', 'feed-records', 'feed-done']) expect(events.some((e) => e.type === type), type).toBe(true);
    const store = openAdvisoryStore(db);
    expect(store.kev('CVE-2021-44228')).toBeDefined();
    expect(store.affecting('PyPI', 'django').length).toBeGreaterThan(10);
    store.close();
  });

  it('a second run is unchanged (conditional GET → 304), rebuilds nothing and is fast', async () => {
    const before = server.requests.length;
    const builtBefore = openAdvisoryStore(db).metadata().builtAt;
    const started = Date.now();
    const summary = await updateDatabase({ dbPath: db, feeds: feeds(), fetch: fast, now: () => new Date('2030-01-01T00:00:00Z') });
    const elapsed = Date.now() - started;
    expect(summary.feeds.every((f) => f.outcome === 'unchanged')).toBe(true);
    expect(summary.rebuilt).toBe(false);
    expect(server.requests.slice(before).map((r) => r.status)).toEqual(Object.keys(PATHS).map(() => 304));
    expect(summary.builtAt).toBe('2030-01-01T00:00:00.000Z');
    expect(builtBefore).not.toBe(summary.builtAt);
    expect(elapsed).toBeLessThan(3000);
    process.stderr.write(`update, all unchanged: ${elapsed} ms\n`);
  });

  it('a feed answering 500 keeps its old data with lastError; a changed feed is updated', async () => {
    server.misbehave(PATHS.kev, { status: 500 });
    server.misbehave(PATHS.epss, { body: '#model_version:v2023.03.01,score_date:2024-10-26T00:00:00+0000\ncve,epss,percentile\nCVE-2099-0001,0.5,0.9\n' });
    try {
      const summary = await updateDatabase({ dbPath: db, feeds: feeds(), fetch: fast });
      const kev = summary.feeds.find((f) => f.name === 'kev');
      expect(kev?.outcome).toBe('failed');
      expect(kev?.error).toBeInstanceOf(GroutError);
      expect(kev?.status?.lastError).toContain(`cannot download ${server.url(PATHS.kev)}: HTTP 500`);
      expect(kev?.status?.kev).toBe(1404);
      expect(summary.feeds.find((f) => f.name === 'epss')).toMatchObject({ outcome: 'updated', status: { epss: 1 } });
      const store = openAdvisoryStore(db);
      expect(store.kev('CVE-2021-44228')).toBeDefined();
      expect(store.epss('CVE-2099-0001')).toMatchObject({ score: 0.5 });
      expect(store.affecting('PyPI', 'django').length).toBeGreaterThan(10);
      store.close();
    } finally {
      server.misbehave(PATHS.kev, undefined);
      server.misbehave(PATHS.epss, undefined);
    }
  });

  it('a truncated body fails that feed and keeps its old data; bad records are skipped with the reason shown', async () => {
    const truncated = readFileSync(vulndata('osv', 'pypa.jsonl.gz')).subarray(0, 20_000);
    server.misbehave(PATHS['osv-pypi'], { body: truncated });
    server.misbehave(PATHS.kev, { body: kevWithOneBadEntry() });
    try {
      const summary = await updateDatabase({ dbPath: db, feeds: feeds(), fetch: fast });
      const osv = summary.feeds.find((f) => f.name === 'osv-pypi');
      expect(osv?.outcome).toBe('failed');
      expect(osv?.status?.lastError).toMatch(/truncated or corrupt gzip/);
      expect(osv?.status?.advisories).toBeGreaterThan(2000);
      const kev = summary.feeds.find((f) => f.name === 'kev');
      expect(kev?.outcome).toBe('updated');
      expect(kev?.status).toMatchObject({ kev: 1, skipped: 1 });
      expect(kev?.status?.skippedExamples[0]).toContain('cveID is not a CVE id: 12');
      expect(kev?.status?.lastError).toBeUndefined();
      const store = openAdvisoryStore(db);
      expect(store.affecting('PyPI', 'django').length).toBeGreaterThan(10);
      store.close();
    } finally {
      server.misbehave(PATHS['osv-pypi'], undefined);
      server.misbehave(PATHS.kev, undefined);
    }
  });

  it('server down: the feed fails with E_NETWORK naming the URL and the offline import; with no database yet, nothing is written', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/kev.json`;
    const down: FeedSetting[] = [{ name: 'kev', format: 'kev', url, description: 'kev', enabled: true }];
    const summary = await updateDatabase({ dbPath: db, feeds: down, fetch: { ...fast, retries: 0 } });
    const kev = summary.feeds[0];
    expect(kev?.error).toBeInstanceOf(GroutError);
    expect((kev?.error as GroutError).code).toBe('E_NETWORK');
    expect(kev?.error?.message).toContain(url);
    expect((kev?.error as GroutError).hint).toContain('grout db import');
    expect(kev?.status?.kev).toBe(1);

    const empty = freshDb();
    const err = await failure(updateDatabase({ dbPath: empty, feeds: down, fetch: { ...fast, retries: 0 } }));
    expect(err.code).toBe('E_NETWORK');
    expect(err.message).toContain(url);
    expect(err.hint).toContain('grout db import');
    expect(existsSync(empty)).toBe(false);
    expect(readdirSync(dirname(empty))).toEqual([]);
  });

  it('--feed updates only the named feeds; an unknown name is a usage error listing the feeds', async () => {
    const summary = await updateDatabase({ dbPath: db, feeds: feeds(), only: ['epss'], fetch: fast });
    expect(summary.feeds.map((f) => f.name)).toEqual(['epss']);
    const err = await failure(updateDatabase({ dbPath: db, feeds: feeds(), only: ['nope'] }));
    expect(err.code).toBe('E_USAGE');
    expect(err.hint).toContain('osv-pypi');
  });

  it('a disabled feed is removed from the database', async () => {
    const list = feeds().map((f) => (f.name === 'alpine-v3.11-main' ? { ...f, enabled: false } : f));
    const summary = await updateDatabase({ dbPath: db, feeds: list, fetch: fast });
    expect(summary.feeds.find((f) => f.name === 'alpine-v3.11-main')?.outcome).toBe('dropped');
    const store = openAdvisoryStore(db);
    expect(store.metadata().feeds.map((f) => f.name)).not.toContain('alpine-v3.11-main');
    expect(store.ecosystems()).not.toContain('Alpine:v3.11');
    store.close();
  });
});

describe('kill -9 in the middle of an update', () => {
  it('leaves the old database usable; the next run removes the dead temp file', async () => {
    const db = freshDb();
    const list = feeds().filter((f) => f.name === 'kev' || f.name === 'osv-pypi');
    await updateDatabase({ dbPath: db, feeds: list, fetch: fast });
    // kev changed (loads into a new temp file), then osv's body stalls: the child is mid-build when killed.
    server.misbehave(PATHS.kev, { body: kevWithOneBadEntry() });
    server.misbehave(PATHS['osv-pypi'], { stallAfterBytes: 4096, body: Buffer.concat([readFileSync(vulndata('osv', 'pypa.jsonl.gz')), Buffer.from('x')]) });
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'testdata', 'update-child.ts'), db, JSON.stringify(list)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      const tempPrefix = `grout.db.tmp-${child.pid}-`;
      const deadline = Date.now() + 30_000;
      while (!readdirSync(dirname(db)).some((n) => n.startsWith(tempPrefix))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the child never started building: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const leftovers = readdirSync(dirname(db)).filter((n) => n.startsWith(tempPrefix));
      expect(leftovers, leftovers.join(" ")).toHaveLength(1);

      const store = openAdvisoryStore(db);
      expect(store.kev('CVE-2021-44228')).toBeDefined();
      expect(store.affecting('PyPI', 'django').length).toBeGreaterThan(10);
      expect(store.metadata().feeds.map((f) => f.name)).toEqual(['kev', 'osv-pypi']);
      store.close();

      server.misbehave(PATHS['osv-pypi'], undefined);
      const next = await updateDatabase({ dbPath: db, feeds: list, fetch: fast });
      expect(next.removedTempFiles).toEqual([join(dirname(db), leftovers[0] as string)]);
      expect(readdirSync(dirname(db))).toEqual(['grout.db']);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      server.misbehave(PATHS.kev, undefined);
      server.misbehave(PATHS['osv-pypi'], undefined);
    }
  });
});
