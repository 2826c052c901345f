import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vulndata } from '../../../test/shared-data.js';
import { GroutError } from '../../core/errors.js';
import { decodeFingerprint, encodeFingerprint } from './fingerprint.js';
import { fetchFeed, retryAfterMs, type FetchOptions } from './http-fetch.js';
import { redactUrl } from './redact-url.js';
import { closedPort, startFeedServer, type FeedServer } from './testdata/feed-server.js';
import { groutFailure as failure } from '../../../test/grout-error.js';

const KEV = '/kev/known_exploited_vulnerabilities.json';
const kevBytes = readFileSync(vulndata('kev', 'known_exploited_vulnerabilities.json'));
const kevSha = createHash('sha256').update(kevBytes).digest('hex');
const fast: FetchOptions = { retries: 2, retryDelayMs: 5, maxRetryDelayMs: 50, timeoutMs: 2000 };

let server: FeedServer;
const work = mkdtempSync(join(tmpdir(), 'grout-fetch-test-'));
beforeAll(async () => {
  server = await startFeedServer(vulndata());
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});



describe('fetchFeed over HTTP', () => {
  it('downloads to a temp file with sha256, ETag and Last-Modified; a conditional GET then answers unchanged (304)', async () => {
    const first = await fetchFeed(server.url(KEV), undefined, fast);
    if (first.status !== 'downloaded') throw new Error('expected a download');
    expect(readFileSync(first.file).equals(kevBytes)).toBe(true);
    expect(first.file).toMatch(/known_exploited_vulnerabilities\.json$/);
    expect(first.bytes).toBe(kevBytes.length);
    const fp = decodeFingerprint(first.fingerprint);
    expect(fp.sha256).toBe(kevSha);
    expect(fp.etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(fp.lastModified).toMatch(/GMT$/);
    await first.dispose();
    expect(existsSync(first.file)).toBe(false);

    const before = server.requests.length;
    expect(await fetchFeed(server.url(KEV), `${first.fingerprint};parser=kev@1`, fast)).toEqual({ status: 'unchanged' });
    const request = server.requests[before];
    expect(request?.status).toBe(304);
    expect(request?.headers['if-none-match']).toBe(fp.etag);
    expect(request?.headers['if-modified-since']).toBe(fp.lastModified);
  });

  it('answers unchanged when the body has the sha256 seen before, even without validators', async () => {
    expect(await fetchFeed(server.url(KEV), encodeFingerprint({ sha256: kevSha, etag: '"stale"' }), fast)).toEqual({ status: 'unchanged' });
  });

  it('retries 5xx and 429 with back-off, honouring Retry-After, then succeeds', async () => {
    server.misbehave(KEV, { status: 503, times: 1, retryAfter: '0' });
    const path = '/epss/epss-excerpt-2024-10-25.csv';
    server.misbehave(path, { status: 429, times: 2 });
    const a = await fetchFeed(server.url(KEV), undefined, fast);
    const b = await fetchFeed(server.url(path), undefined, fast);
    expect(a.status).toBe('downloaded');
    expect(b.status).toBe('downloaded');
    if (a.status === 'downloaded') await a.dispose();
    if (b.status === 'downloaded') await b.dispose();
    server.misbehave(KEV, undefined);
    server.misbehave(path, undefined);
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('gives up after the bounded retries with E_NETWORK naming the URL and the offline import', async () => {
    server.misbehave(KEV, { status: 500 });
    const err = await failure(fetchFeed(server.url(KEV), undefined, fast));
    server.misbehave(KEV, undefined);
    expect(err.code).toBe('E_NETWORK');
    expect(err.message).toBe(`cannot download ${server.url(KEV)}: HTTP 500 Internal Server Error (after 3 attempts)`);
    expect(err.hint).toContain('grout db import');
  });

  it('does not retry a 404', async () => {
    const before = server.requests.length;
    const err = await failure(fetchFeed(server.url('/nope.json'), undefined, fast));
    expect(err.message).toContain('HTTP 404');
    expect(server.requests.length - before).toBe(1);
  });

  it('follows redirects, but only so many', async () => {
    server.misbehave('/moved.json', { redirectTo: KEV });
    const r = await fetchFeed(server.url('/moved.json'), undefined, fast);
    expect(r.status).toBe('downloaded');
    if (r.status === 'downloaded') await r.dispose();
    server.misbehave('/loop-a', { redirectTo: '/loop-b' });
    server.misbehave('/loop-b', { redirectTo: '/loop-a' });
    const err = await failure(fetchFeed(server.url('/loop-a'), undefined, { ...fast, maxRedirects: 3 }));
    expect(err.message).toContain('more than 3 redirects');
  });

  it('connection refused → E_NETWORK naming the URL, with the import hint', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/kev.json`;
    const err = await failure(fetchFeed(url, undefined, { ...fast, retries: 1 }));
    expect(err.code).toBe('E_NETWORK');
    expect(err.message).toContain(url);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.hint).toBe('offline or behind a firewall? fetch the feed files elsewhere and run `grout db import <dir|zip|file>`');
  });

  it('never shows credentials from the URL in messages', async () => {
    const url = `http://mirror-user:s3cret@127.0.0.1:${await closedPort()}/kev.json?token=abc&x=1`;
    const err = await failure(fetchFeed(url, undefined, { ...fast, retries: 0 }));
    expect(err.message).not.toContain('s3cret');
    expect(err.message).not.toContain('mirror-user');
    expect(err.message).not.toContain('abc');
    expect(redactUrl('https://u:p@example.test/a?api_key=1&v=2')).toBe('https://***@example.test/a?api_key=***&v=2');
  });

  it('sends credentials from the URL as basic auth to the same origin', async () => {
    const before = server.requests.length;
    const r = await fetchFeed(server.url(KEV).replace('http://', 'http://me:pw@'), undefined, fast);
    if (r.status === 'downloaded') await r.dispose();
    expect(server.requests[before]?.headers.authorization).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);
  });

  it('a body cut short is an error after retries, and no temp file stays', async () => {
    server.misbehave(KEV, { truncateAt: 1000 });
    const err = await failure(fetchFeed(server.url(KEV), undefined, { ...fast, tempDir: work }));
    server.misbehave(KEV, undefined);
    expect(err.code).toBe('E_NETWORK');
    expect(err.message).toContain(server.url(KEV));
    expect(readdirSync(work)).toEqual([]);
  });

  it('a stalled body times out', async () => {
    server.misbehave(KEV, { stallAfterBytes: 100 });
    const started = Date.now();
    const err = await failure(fetchFeed(server.url(KEV), undefined, { ...fast, retries: 0, timeoutMs: 200 }));
    server.misbehave(KEV, undefined);
    expect(err.message).toContain('no data for 0.2 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses bodies over maxBytes', async () => {
    const err = await failure(fetchFeed(server.url(KEV), undefined, { ...fast, maxBytes: 1000 }));
    expect(err.code).toBe('E_TOO_LARGE');
  });
});

describe('fetchFeed from disk', () => {
  it('accepts file:// URLs and plain paths, unchanged when the sha256 matches', async () => {
    const file = vulndata('kev', 'known_exploited_vulnerabilities.json');
    const r = await fetchFeed(pathToFileURL(file).href, undefined);
    if (r.status !== 'downloaded') throw new Error('expected downloaded');
    expect(r.file).toBe(file);
    expect(decodeFingerprint(r.fingerprint).sha256).toBe(kevSha);
    await r.dispose();
    expect(existsSync(file)).toBe(true);
    expect(await fetchFeed(file, r.fingerprint)).toEqual({ status: 'unchanged' });
  });

  it('fingerprints a mirror directory by its listing', async () => {
    const dir = mkdtempSync(join(work, 'mirror-'));
    writeFileSync(join(dir, 'a.json'), '{}');
    const r = await fetchFeed(dir, undefined);
    if (r.status !== 'downloaded') throw new Error('expected downloaded');
    expect(await fetchFeed(dir, r.fingerprint)).toEqual({ status: 'unchanged' });
    writeFileSync(join(dir, 'b.json'), '{}');
    expect((await fetchFeed(dir, r.fingerprint)).status).toBe('downloaded');
  });

  it('a missing path is an error naming it, with the import hint', async () => {
    const err = await failure(fetchFeed(join(work, 'missing.zip'), undefined));
    expect(err.code).toBe('E_IO');
    expect(err.message).toContain(join(work, 'missing.zip'));
  });
});
