import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { LayerResultStore } from '../catalog/index.js';
import { cacheRoot } from './cache-paths.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Per-layer results of the catalog's single pass, on disk: `<root>/layers/<diffId hex>/<key>.gz`. The key names
 * every extractor (name@version) and setting the pass used (catalog/layer-results.ts), so a new extractor version
 * simply misses its old entries, which age out by LRU.
 *
 * Entry: a plain header naming the layer and key, then the gzip-compressed payload (catalog/layer-codec.ts).
 * Safe across processes: an entry is written to a temporary file and renamed into place, so readers see a whole
 * entry or none, and two processes writing the same entry both write the same bytes. Reads are checked (gzip CRC and
 * length, a header naming the entry): a damaged entry reads as absent and the next scan of the layer rewrites it.
 * Least recently used entries go first when the cache is over its size: a hit touches the entry's mtime.
 */
export class LayerCache implements LayerResultStore {
  readonly dir: string;
  private readonly maxBytes: number | undefined;
  private readonly enforce: (maxBytes: number) => Promise<void>;
  private grown = 0;
  private checked = false;
  private enforcing: Promise<void> | undefined;

  constructor(options: LayerCacheOptions = {}) {
    const root = options.root ?? cacheRoot();
    this.dir = layerCacheDir(root);
    this.maxBytes = options.maxBytes;
    this.enforce = options.enforce ?? ((max) => pruneLayerCache(max, root).then(() => {}));
  }

  async get(diffId: string, key: string): Promise<Buffer | undefined> {
    const file = this.entryPath(diffId, key);
    if (!file) return undefined;
    let stored: Buffer;
    try {
      stored = await readFile(file);
    } catch {
      return undefined;
    }
    const payload = await unwrap(stored, diffId, key);
    if (payload) {
      const now = new Date();
      await utimes(file, now, now).catch(() => {});
    }
    return payload;
  }

  /** Whether an entry is stored (not whether it reads back whole: `get` checks that). */
  async has(diffId: string, key: string): Promise<boolean> {
    const file = this.entryPath(diffId, key);
    if (!file) return false;
    return (await stat(file).catch(() => undefined))?.isFile() === true;
  }

  async put(diffId: string, key: string, payload: Buffer): Promise<void> {
    const file = this.entryPath(diffId, key);
    if (!file) return;
    try {
      const head = header(diffId, key);
      const body = await gzipAsync(payload, { level: 4 });
      await writeAtomically(file, [head, body]);
      this.grown += head.length + body.length;
    } catch {
      // Best effort: a read-only or full cache directory costs a rescan next time, nothing more.
    }
  }

  /**
   * Keep the cache under its size once a pass is over (never mid-pass, when blobs it prunes may still be about to
   * be read): after this process's first writes, then after each further 5% of growth.
   */
  async settle(): Promise<void> {
    const max = this.maxBytes;
    if (max === undefined || this.grown === 0) return;
    if (this.checked && this.grown < max / 20) return;
    this.checked = true;
    this.grown = 0;
    this.enforcing ??= this.enforce(max)
      .catch(() => {})
      .finally(() => (this.enforcing = undefined));
    await this.enforcing;
  }

  private entryPath(diffId: string, key: string): string | undefined {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(diffId)?.[1];
    if (!hex || !/^[0-9a-f]{16,64}$/.test(key)) return undefined;
    return join(this.dir, hex, `${key}${ENTRY_SUFFIX}`);
  }
}

export interface LayerCacheOptions {
  /** Cache root; default cacheRoot() ($GROUT_CACHE_DIR, else $XDG_CACHE_HOME/grout, else ~/.cache/grout). */
  root?: string;
  /** Size cap to keep when a pass settles; none by default. */
  maxBytes?: number;
  /** How to get back under the cap; default: drop least recently used layer results. */
  enforce?: (maxBytes: number) => Promise<void>;
}

const ENTRY_SUFFIX = '.gz';
export const TEMP_MARK = '.tmp-';
/** A temporary file this old was left by a process that died mid-write. */
export const STALE_TEMP_MS = 60 * 60 * 1000;
/** Largest entry read back; layer results are a few MB, this bounds a damaged or hostile one. */
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;
const MAGIC = 'grout-layer-result 2\n';

export function layerCacheDir(root: string = cacheRoot()): string {
  return join(root, 'layers');
}

function header(diffId: string, key: string): Buffer {
  return Buffer.from(`${MAGIC}${diffId} ${key}\n`, 'latin1');
}

/** An entry is a plain header naming it, then the gzip payload (whose CRC and length catch damage). */
async function unwrap(stored: Buffer, diffId: string, key: string): Promise<Buffer | undefined> {
  const expected = header(diffId, key);
  if (stored.length < expected.length || !stored.subarray(0, expected.length).equals(expected)) return undefined;
  try {
    return await gunzipAsync(stored.subarray(expected.length), { maxOutputLength: MAX_ENTRY_BYTES });
  } catch {
    // Truncated, corrupt (CRC), or larger than any real entry.
    return undefined;
  }
}

/** Write a file whole or not at all: a temporary file beside it, renamed into place (readers never see half). */
export async function writeAtomically(file: string, parts: readonly Buffer[]): Promise<void> {
  const dir = join(file, '..');
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(temp, 'wx');
      // No fsync: a torn entry after a crash fails the read checks and is rewritten.
      try {
        for (const part of parts) await handle.writeFile(part);
      } finally {
        await handle.close();
      }
      await rename(temp, file);
      return;
    } catch (err) {
      await unlink(temp).catch(() => {});
      // Another process pruned the (then empty) directory between our mkdir and open: once more.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
      throw err;
    }
  }
}

/** One stored layer result. */
export interface LayerCacheEntry {
  path: string;
  bytes: number;
  /** Last use (write or hit), ms since the epoch. */
  usedMs: number;
}

/** Every layer result in the cache, and temporary files left behind by processes that died mid-write. */
export async function listLayerCache(root: string = cacheRoot(), now = Date.now()): Promise<{ entries: LayerCacheEntry[]; staleTemps: string[] }> {
  const dir = layerCacheDir(root);
  const entries: LayerCacheEntry[] = [];
  const staleTemps: string[] = [];
  for (const layer of await listDir(dir)) {
    if (!/^[0-9a-f]{64}$/.test(layer)) continue;
    await collectEntries(join(dir, layer), (name) => name.endsWith(ENTRY_SUFFIX), now, entries, staleTemps);
  }
  return { entries, staleTemps };
}

export interface LayerCacheStatus {
  dir: string;
  entries: number;
  bytes: number;
  /** Distinct layers (diffIds) with at least one result. */
  layers: number;
}

export async function layerCacheStatus(root: string = cacheRoot()): Promise<LayerCacheStatus> {
  const { entries } = await listLayerCache(root);
  const layers = new Set(entries.map((e) => join(e.path, '..')));
  return { dir: layerCacheDir(root), entries: entries.length, bytes: sum(entries), layers: layers.size };
}

export interface PruneResult {
  removed: number;
  freedBytes: number;
  /** What is left. */
  entries: number;
  bytes: number;
}

/**
 * Drop least recently used layer results until they take at most `maxBytes`; stale temporary files go too.
 * Entries another process is reading stay readable to it (an unlinked file lives while open).
 */
export async function pruneLayerCache(maxBytes: number, root: string = cacheRoot()): Promise<PruneResult> {
  const { entries, staleTemps } = await listLayerCache(root);
  for (const temp of staleTemps) await unlink(temp).catch(() => {});
  entries.sort((a, b) => a.usedMs - b.usedMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let bytes = sum(entries);
  let removed = 0;
  let freedBytes = 0;
  const touched = new Set<string>();
  for (const entry of entries) {
    if (bytes <= maxBytes) break;
    try {
      await unlink(entry.path);
    } catch {
      continue;
    }
    bytes -= entry.bytes;
    freedBytes += entry.bytes;
    removed++;
    touched.add(join(entry.path, '..'));
  }
  // Empty layer directories go; one another process has just written into is not empty and stays.
  for (const dir of touched) await rmdir(dir).catch(() => {});
  return { removed, freedBytes, entries: entries.length - removed, bytes };
}

/** Remove every layer result. */
export async function cleanLayerCache(root: string = cacheRoot()): Promise<PruneResult> {
  const before = await layerCacheStatus(root);
  await rm(layerCacheDir(root), { recursive: true, force: true });
  return { removed: before.entries, freedBytes: before.bytes, entries: 0, bytes: 0 };
}

/**
 * Sort the files of one cache folder into entries (names `isEntry` accepts) and temporary files older than
 * STALE_TEMP_MS, left behind by processes that died mid-write.
 */
export async function collectEntries(dir: string, isEntry: (name: string) => boolean, now: number, entries: LayerCacheEntry[], staleTemps: string[]): Promise<void> {
  for (const name of await listDir(dir)) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) continue;
    if (name.includes(TEMP_MARK)) {
      if (now - st.mtimeMs > STALE_TEMP_MS) staleTemps.push(path);
    } else if (isEntry(name)) {
      entries.push({ path, bytes: st.size, usedMs: st.mtimeMs });
    }
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

function sum(entries: readonly LayerCacheEntry[]): number {
  return entries.reduce((n, e) => n + e.bytes, 0);
}
