import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDigest } from '../core/digest.js';
import { GroutError, isGroutError } from '../core/errors.js';
import type { BlobTransfer } from './blob-transfer.js';
import { blobCacheDir } from './cache-paths.js';

/**
 * A content-addressed store of registry blobs on disk: `<dir>/<hex>` holds bytes whose sha256 is `<hex>`, and
 * nothing else is ever found under such a name. Bytes arrive in `<hex>.partial` (kept after a cut connection so the
 * next attempt resumes with a Range request), are verified, and only then renamed into place — rename is atomic,
 * so a reader never sees a half-written blob even when several grout processes share the directory. Least recently
 * used blobs are pruned to a size cap; "used" is the file's mtime, touched on every hit.
 */
export const DEFAULT_MAX_BYTES = 10 * 1024 ** 3;

/** What a downloader hands back: the body, and the offset it starts at (0 when the server ignored the Range). */
export interface BlobBody {
  start: number;
  body: AsyncIterable<Buffer>;
}

/** Fetch a blob from `offset` on (a Range request when offset > 0). */
export type BlobDownloader = (offset: number, signal?: AbortSignal) => Promise<BlobBody>;

export interface FetchBlobOptions {
  /** The size the manifest declares; more bytes than this are refused. */
  size?: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number | undefined) => void;
  /** How many cut connections in a row (without new bytes) before giving up. Default 5. */
  maxResumes?: number;
  /** Told where the bytes go as they are written, so the blob can be read while it downloads (blob-transfer.ts). */
  transfer?: BlobTransfer;
}

const HEX = /^[0-9a-f]{64}$/;
const PARTIAL = '.partial';
const LOCK = '.lock';
const TMP = '.tmp';
/** Leftover partial and temp files nobody touched for this long are removed by prune. */
const STALE_MS = 24 * 60 * 60 * 1000;

export class BlobCache {
  /** Blobs this process fetched or found: the automatic prune never removes them from under the running scan. */
  private readonly inUse = new Set<string>();

  constructor(
    readonly dir: string = blobCacheDir(),
    readonly maxBytes: number = maxBytesFromEnv(),
  ) {}

  /** `<dir>/<hex>` for a sha256 digest; other algorithms are not cached. */
  pathOf(digest: string): string {
    const { algorithm, hex } = parseDigest(digest, 'blob cache');
    if (algorithm !== 'sha256') throw new GroutError('E_IMAGE_FORMAT', `the blob cache holds sha256 blobs only, not ${digest}`);
    return join(this.dir, hex);
  }

  /** The cached file for a digest, marked as just used; undefined when absent. */
  async lookup(digest: string): Promise<string | undefined> {
    const path = this.pathOf(digest);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) return undefined;
    const now = new Date();
    await utimes(path, now, now).catch(() => {});
    this.inUse.add(digest);
    return path;
  }

  /**
   * The cached file for a digest, downloading it first when absent. The download resumes after a cut connection
   * (and across runs, from `<hex>.partial`), and is verified against the digest before it becomes visible.
   */
  async fetch(digest: string, download: BlobDownloader, options: FetchBlobOptions = {}): Promise<string> {
    const { transfer } = options;
    try {
      const path = await this.fetchInto(digest, download, options);
      if (transfer) transfer.finish(path, (await stat(path)).size);
      return path;
    } catch (err) {
      transfer?.fail(err);
      throw err;
    }
  }

  private async fetchInto(digest: string, download: BlobDownloader, options: FetchBlobOptions): Promise<string> {
    const found = await this.lookup(digest);
    if (found) return found;
    const final = this.pathOf(digest);
    await mkdir(this.dir, { recursive: true });
    const lock = await takeLock(`${final}${LOCK}`);
    // Another live process is writing <hex>.partial: write a private temp file instead (both end in the same
    // bytes; whichever rename comes last replaces identical content).
    const temp = lock ? `${final}${PARTIAL}` : join(this.dir, `.${digest.slice(7)}.${process.pid}.${randomBytes(4).toString('hex')}${TMP}`);
    try {
      await downloadInto(temp, digest, download, options);
      await rename(temp, final);
    } catch (err) {
      // A verified-bad partial is useless for resuming; a merely interrupted one is kept (unless private).
      if (!lock || (isGroutError(err) && err.code === 'E_DIGEST_MISMATCH')) await rm(temp, { force: true });
      throw err;
    } finally {
      if (lock) await lock.release();
    }
    this.inUse.add(digest);
    await this.prune().catch(() => {});
    return final;
  }

  /** Remove a cached blob (e.g. one found corrupt when read back). */
  async evict(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { force: true });
  }

  /** Prune to the cap, sparing the blobs this process is using. */
  async prune(maxBytes: number = this.maxBytes): Promise<PruneResult> {
    return pruneBlobCache(maxBytes, this.dir, new Set([...this.inUse].map((d) => d.slice(7))));
  }
}

async function downloadInto(temp: string, digest: string, download: BlobDownloader, options: FetchBlobOptions): Promise<void> {
  const maxResumes = options.maxResumes ?? 5;
  const size = options.size;
  let { hash, length } = await hashExisting(temp);
  if (size !== undefined && length > size) {
    await rm(temp, { force: true });
    ({ hash, length } = { hash: createHash('sha256'), length: 0 });
  }
  // What an interrupted earlier run left in <hex>.partial can be read at once.
  if (length > 0) options.transfer?.progress(temp, length);
  let failures = 0;
  while (size === undefined || length < size || length === 0) {
    const before = length;
    try {
      const { start, body } = await download(length, options.signal);
      if (start !== length) {
        if (start !== 0) throw new GroutError('E_NETWORK', `${digest}: the registry answered a range request from ${length} with bytes from ${start}`);
        // The server sent the whole blob again: start over.
        hash = createHash('sha256');
        length = 0;
        options.transfer?.progress(temp, 0);
      }
      const handle = await open(temp, length === 0 ? 'w' : 'a');
      // Network chunks are small (16-64 KB): written a batch at a time, a fraction of the system calls.
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const batch = pending.splice(0);
        pendingBytes = 0;
        await writeAllv(handle, batch);
        options.transfer?.progress(temp, length);
      };
      try {
        for await (const chunk of body) {
          length += chunk.length;
          if (size !== undefined && length > size) {
            throw new GroutError('E_DIGEST_MISMATCH', `${digest}: the registry sent more than the ${size} bytes the manifest declares`, {
              hint: 'the registry or a proxy in between is serving the wrong content',
            });
          }
          hash.update(chunk);
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
          options.onProgress?.(length, size);
        }
        await flush();
      } finally {
        // After a cut connection, what arrived is kept for the resume (which re-reads the file to know).
        await flush().catch(() => {});
        await handle.close();
      }
      if (size === undefined || length >= size) break;
      throw new GroutError('E_NETWORK', `${digest}: the connection ended after ${length} of ${size} bytes`);
    } catch (err) {
      if (!isResumable(err) || options.signal?.aborted) throw err;
      failures = length > before ? 1 : failures + 1;
      if (failures > maxResumes) throw err;
      // Re-read what actually reached the disk: the last write may not have completed.
      ({ hash, length } = await hashExisting(temp));
      options.transfer?.progress(temp, length);
    }
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) {
    throw new GroutError('E_DIGEST_MISMATCH', `blob ${digest}: content does not match its digest (got ${actual})`, {
      hint: 'the registry served corrupt content, or a proxy in between altered it',
    });
  }
}

/** Network trouble is worth a resume; a wrong digest, a refused request or a cancelled scan is not. */
function isResumable(err: unknown): boolean {
  if (isGroutError(err)) return err.code === 'E_NETWORK';
  return err instanceof Error && err.name !== 'AbortError';
}

async function hashExisting(path: string): Promise<{ hash: Hash; length: number }> {
  const hash = createHash('sha256');
  let length = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { hash, length };
}

/** Bytes of downloaded chunks gathered before they are written. */
const WRITE_BATCH_BYTES = 1024 * 1024;

async function writeAllv(handle: FileHandle, chunks: Buffer[]): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const { bytesWritten } = await handle.writev(chunks);
  if (bytesWritten >= total) return;
  // A short write (a full disk, a signal): the rest one buffer at a time, which reports the error if there is one.
  let skip = bytesWritten;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    await writeAll(handle, chunk.subarray(skip));
    skip = 0;
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

interface Lock {
  release(): Promise<void>;
}

/**
 * An advisory lock file holding our pid, created exclusively. A lock whose process is gone is taken over.
 * Undefined when another live process holds it.
 */
async function takeLock(path: string): Promise<Lock | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) return undefined;
      const st = await stat(path).catch(() => undefined);
      // A lock without a pid yet may be a second old (its writer is between open and write): leave it.
      if (!Number.isSafeInteger(pid) && st && Date.now() - st.mtimeMs < 60_000) return undefined;
      await rm(path, { force: true });
    }
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `GROUT_CACHE_MAX_BYTES`: bytes, or with a K/M/G/T suffix (powers of 1024); default 10 GiB. */
export function maxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['GROUT_CACHE_MAX_BYTES'];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_BYTES;
  const parsed = parseByteSize(text);
  if (parsed === undefined) {
    throw new GroutError('E_USAGE', `GROUT_CACHE_MAX_BYTES=${JSON.stringify(text)} is not a size`, { hint: 'write bytes, or e.g. 500M, 10G' });
  }
  return parsed;
}

export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  const value = Math.floor(Number(m[1]) * 1024 ** power);
  return Number.isSafeInteger(value) ? value : undefined;
}

interface CacheFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

async function listFiles(dir: string): Promise<CacheFile[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const files: CacheFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st?.isFile()) files.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
  }
  return files;
}

export interface BlobCacheStatus {
  dir: string;
  blobs: number;
  bytes: number;
  /** Interrupted downloads kept for resuming, and temp files of running downloads. */
  partials: number;
  partialBytes: number;
  maxBytes: number;
}

/** What the blob cache holds. */
export async function blobCacheStatus(dir: string = blobCacheDir(), maxBytes: number = maxBytesFromEnv()): Promise<BlobCacheStatus> {
  const status: BlobCacheStatus = { dir, blobs: 0, bytes: 0, partials: 0, partialBytes: 0, maxBytes };
  for (const f of await listFiles(dir)) {
    if (HEX.test(f.name)) {
      status.blobs++;
      status.bytes += f.size;
    } else if (f.name.endsWith(PARTIAL) || f.name.endsWith(TMP)) {
      status.partials++;
      status.partialBytes += f.size;
    }
  }
  return status;
}

export interface PruneResult {
  removed: number;
  freedBytes: number;
  remainingBytes: number;
}

/**
 * Remove least recently used blobs until the rest fit in `maxBytes`, and partial or temp files left alone for a
 * day. `spare` names blobs (hex) to keep regardless.
 */
export async function pruneBlobCache(maxBytes: number, dir: string = blobCacheDir(), spare: ReadonlySet<string> = new Set()): Promise<PruneResult> {
  const files = await listFiles(dir);
  const result: PruneResult = { removed: 0, freedBytes: 0, remainingBytes: 0 };
  const remove = async (f: CacheFile): Promise<void> => {
    await rm(f.path, { force: true });
    result.removed++;
    result.freedBytes += f.size;
  };
  const now = Date.now();
  for (const f of files) {
    if ((f.name.endsWith(PARTIAL) || f.name.endsWith(TMP) || f.name.endsWith(LOCK)) && now - f.mtimeMs > STALE_MS) await remove(f);
  }
  const blobs = files.filter((f) => HEX.test(f.name)).sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
  let total = blobs.reduce((sum, f) => sum + f.size, 0);
  for (const f of blobs) {
    if (total <= maxBytes) break;
    if (spare.has(f.name)) continue;
    await remove(f);
    total -= f.size;
  }
  result.remainingBytes = total;
  return result;
}

/** Empty the blob cache (blobs, partial downloads, temp files). Locks of running downloads are left alone. */
export async function cleanBlobCache(dir: string = blobCacheDir()): Promise<PruneResult> {
  const result: PruneResult = { removed: 0, freedBytes: 0, remainingBytes: 0 };
  for (const f of await listFiles(dir)) {
    if (f.name.endsWith(LOCK)) continue;
    await rm(f.path, { force: true });
    result.removed++;
    result.freedBytes += f.size;
  }
  return result;
}
