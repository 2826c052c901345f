import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobCache, blobCacheStatus, cleanBlobCache, maxBytesFromEnv, parseByteSize, pruneBlobCache, type BlobDownloader } from './blob-cache.js';
import { blobCacheDir, cacheRoot } from './cache-paths.js';

const here = dirname(fileURLToPath(import.meta.url));
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'grout-blob-cache-'));
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function* chunks(bytes: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Serves `bytes` from `offset`, honouring Range, optionally failing after `cutAfter` bytes of the first answer. */
function downloader(bytes: Buffer, calls: number[], cutAfter?: number): BlobDownloader {
  return async (offset) => {
    calls.push(offset);
    const body = bytes.subarray(offset);
    if (cutAfter !== undefined && calls.length === 1) {
      return {
        start: offset,
        body: (async function* () {
          yield body.subarray(0, cutAfter);
          throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
        })(),
      };
    }
    return { start: offset, body: chunks(body) };
  };
}

describe('BlobCache', () => {
  const blob = randomBytes(50_000);
  const digest = sha(blob);

  it('downloads once, verifies, and answers later lookups from disk', async () => {
    const cache = new BlobCache(tempDir());
    const calls: number[] = [];
    expect(await cache.lookup(digest)).toBeUndefined();
    const path = await cache.fetch(digest, downloader(blob, calls), { size: blob.length });
    expect(path).toBe(join(cache.dir, digest.slice(7)));
    expect(readFileSync(path).equals(blob)).toBe(true);
    expect(await cache.fetch(digest, downloader(blob, calls))).toBe(path);
    expect(calls).toEqual([0]);
    expect(readdirSync(cache.dir)).toEqual([digest.slice(7)]);
  });

  it('resumes from where a cut connection stopped', async () => {
    const cache = new BlobCache(tempDir());
    const calls: number[] = [];
    const progress: number[] = [];
    await cache.fetch(digest, downloader(blob, calls, 12_345), { size: blob.length, onProgress: (b) => progress.push(b) });
    expect(calls).toEqual([0, 12_345]);
    expect(progress.at(-1)).toBe(blob.length);
    expect(readFileSync(cache.pathOf(digest)).equals(blob)).toBe(true);
  });

  it('resumes a partial download left by an earlier run', async () => {
    const cache = new BlobCache(tempDir());
    writeFileSync(join(cache.dir, `${digest.slice(7)}.partial`), blob.subarray(0, 20_000));
    const calls: number[] = [];
    await cache.fetch(digest, downloader(blob, calls), { size: blob.length });
    expect(calls).toEqual([20_000]);
    expect(readFileSync(cache.pathOf(digest)).equals(blob)).toBe(true);
    expect(existsSync(join(cache.dir, `${digest.slice(7)}.partial`))).toBe(false);
  });

  it('starts over when the server ignores the Range and sends everything', async () => {
    const cache = new BlobCache(tempDir());
    writeFileSync(join(cache.dir, `${digest.slice(7)}.partial`), blob.subarray(0, 20_000));
    await cache.fetch(digest, async () => ({ start: 0, body: chunks(blob) }), { size: blob.length });
    expect(readFileSync(cache.pathOf(digest)).equals(blob)).toBe(true);
  });

  it('keeps the partial file when the connection keeps failing, for the next run', async () => {
    const cache = new BlobCache(tempDir());
    const failing: BlobDownloader = async (offset) => ({
      start: offset,
      body: (async function* () {
        if (offset === 0) yield blob.subarray(0, 5000);
        throw new Error('socket hang up');
      })(),
    });
    await expect(cache.fetch(digest, failing, { size: blob.length, maxResumes: 2 })).rejects.toThrow(/socket hang up/);
    expect(readFileSync(join(cache.dir, `${digest.slice(7)}.partial`)).length).toBe(5000);
    expect(await cache.lookup(digest)).toBeUndefined();
  });

  it('refuses bytes that do not match the digest, and keeps nothing', async () => {
    const cache = new BlobCache(tempDir());
    const wrong = Buffer.from(blob);
    wrong[100] = wrong[100]! ^ 1;
    await expect(cache.fetch(digest, downloader(wrong, []), { size: blob.length })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
    expect(readdirSync(cache.dir)).toEqual([]);
  });

  it('refuses more bytes than the manifest declares', async () => {
    const cache = new BlobCache(tempDir());
    await expect(cache.fetch(digest, downloader(Buffer.concat([blob, Buffer.from('x')]), []), { size: blob.length })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
    expect(readdirSync(cache.dir)).toEqual([]);
  });

  it('evicts a blob found altered on disk', async () => {
    const cache = new BlobCache(tempDir());
    await cache.fetch(digest, downloader(blob, []));
    await cache.evict(digest);
    expect(await cache.lookup(digest)).toBeUndefined();
  });

  it('prunes least recently used blobs to the cap, sparing the ones in use', async () => {
    const dir = tempDir();
    const blobs = [0, 1, 2, 3].map((i) => randomBytes(1000 + i));
    const cache = new BlobCache(dir, 10 ** 9);
    for (const [i, b] of blobs.entries()) {
      const path = await cache.fetch(sha(b), downloader(b, []));
      utimesSync(path, 1000 + i, 1000 + i); // oldest first
    }
    // Using blob 0 makes it the most recent.
    await new BlobCache(dir).lookup(sha(blobs[0]!));
    const result = await pruneBlobCache(2100, dir);
    expect(result).toMatchObject({ removed: 2, freedBytes: 1001 + 1002 });
    expect(readdirSync(dir).sort()).toEqual([sha(blobs[0]!), sha(blobs[3]!)].map((d) => d.slice(7)).sort());
    // A cache instance never prunes what it is using.
    const spared = await cache.prune(0);
    expect(spared.removed).toBe(0);
  });

  it('prunes automatically after a download that takes the cache over its cap', async () => {
    const dir = tempDir();
    const old = randomBytes(4000);
    await new BlobCache(dir, 10 ** 9).fetch(sha(old), downloader(old, []));
    utimesSync(join(dir, sha(old).slice(7)), 1000, 1000);
    await new BlobCache(dir, 52_000).fetch(digest, downloader(blob, []));
    expect(readdirSync(dir)).toEqual([digest.slice(7)]);
  });

  it('reports status, removes stale partial files on prune, and cleans everything', async () => {
    const dir = tempDir();
    await new BlobCache(dir).fetch(digest, downloader(blob, []));
    const stale = join(dir, `${'a'.repeat(64)}.partial`);
    writeFileSync(stale, 'xx');
    expect(await blobCacheStatus(dir, 123)).toEqual({ dir, blobs: 1, bytes: blob.length, partials: 1, partialBytes: 2, maxBytes: 123 });
    await pruneBlobCache(10 ** 9, dir);
    expect(existsSync(stale)).toBe(true);
    utimesSync(stale, 1000, 1000);
    await pruneBlobCache(10 ** 9, dir);
    expect(existsSync(stale)).toBe(false);
    expect(await cleanBlobCache(dir)).toMatchObject({ removed: 1, freedBytes: blob.length });
    expect(await blobCacheStatus(dir)).toMatchObject({ blobs: 0, bytes: 0, partials: 0 });
    expect(await blobCacheStatus(join(dir, 'missing'))).toMatchObject({ blobs: 0 });
  });

  it('rejects digests it cannot hold', () => {
    const cache = new BlobCache(tempDir());
    expect(() => cache.pathOf('sha256:../../etc/passwd')).toThrow(/invalid digest/);
    expect(() => cache.pathOf(`sha512:${'a'.repeat(128)}`)).toThrow(/sha256 blobs only/);
  });
});

describe('two grout processes sharing one cache', () => {
  const blob = randomBytes(3 * 1024 * 1024);
  const digest = sha(blob);
  let server: Server;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    // A slow server, so both downloads overlap.
    server = createServer((req, res) => {
      requests++;
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      res.writeHead(m ? 206 : 200, { 'content-length': blob.length - start, ...(m ? { 'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}` } : {}) });
      let at = start;
      const timer = setInterval(() => {
        if (at >= blob.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(blob.subarray(at, at + 256 * 1024));
        at += 256 * 1024;
      }, 20);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/blob`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function run(dir: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'testdata', 'fetch-blob.ts'), dir, digest, String(blob.length), url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${err}`))));
    });
  }

  it('both get the verified blob; no partial or temp file is left behind', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([run(dir), run(dir)]);
    expect(a).toBe(join(dir, digest.slice(7)));
    expect(b).toBe(a);
    expect(readFileSync(a).equals(blob)).toBe(true);
    expect(readdirSync(dir)).toEqual([digest.slice(7)]);
    expect(requests).toBeGreaterThanOrEqual(1);
  });
});

describe('cache locations and sizes', () => {
  it('uses GROUT_CACHE_DIR, else XDG_CACHE_HOME/grout, else ~/.cache/grout', () => {
    expect(cacheRoot({ GROUT_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(cacheRoot({ XDG_CACHE_HOME: '/x' })).toBe('/x/grout');
    expect(cacheRoot({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/grout$/);
    expect(blobCacheDir({ GROUT_CACHE_DIR: '/c' })).toBe('/c/blobs/sha256');
  });

  it('reads GROUT_CACHE_MAX_BYTES with size suffixes', () => {
    expect(maxBytesFromEnv({})).toBe(10 * 1024 ** 3);
    expect(maxBytesFromEnv({ GROUT_CACHE_MAX_BYTES: '5G' })).toBe(5 * 1024 ** 3);
    expect(parseByteSize('500M')).toBe(500 * 1024 ** 2);
    expect(parseByteSize('1.5KiB')).toBe(1536);
    expect(parseByteSize('123')).toBe(123);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(() => maxBytesFromEnv({ GROUT_CACHE_MAX_BYTES: 'lots' })).toThrow(/not a size/);
  });
});
