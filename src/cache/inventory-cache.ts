import { createHash } from 'node:crypto';
import { readFile, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { InventoryResultStore } from '../catalog/index.js';
import { cacheRoot } from './cache-paths.js';
import { collectEntries, writeAtomically, type LayerCacheEntry, type PruneResult } from './layer-cache.js';

/**
 * Whole inventories of images seen before, on disk: `<root>/images/<key>.inv`, where the key names the image's
 * layers, config and every extractor version (catalog/inventory-results.ts). A rescan of a seen image reads this
 * one entry. Written like a layer result (layer-cache.ts): renamed into place, a damaged entry reads as absent and
 * is rewritten. Not compressed, unlike layer results: this entry is read on every warm rescan, where gunzip would
 * cost 30 ms of a 0.3 s budget, for 6 MB instead of 2 MB on disk per image. A header names the entry, the
 * payload's length and its CRC-32 (SHA-256 on a Node without zlib.crc32), which catch a torn or damaged entry.
 */
export class InventoryCache implements InventoryResultStore {
  readonly dir: string;

  constructor(root: string = cacheRoot()) {
    this.dir = inventoryCacheDir(root);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const file = this.entryPath(key);
    if (!file) return undefined;
    let stored: Buffer;
    try {
      if ((await stat(file)).size > MAX_ENTRY_BYTES + 1024) return undefined;
      stored = await readFile(file);
    } catch {
      return undefined;
    }
    const end = stored.indexOf(0x0a, MAGIC.length);
    if (end < 0 || end > MAGIC.length + 256) return undefined;
    const payload = stored.subarray(end + 1);
    if (!stored.subarray(0, end + 1).equals(header(key, [payload]))) return undefined;
    const now = new Date();
    await utimes(file, now, now).catch(() => {});
    return payload;
  }

  async put(key: string, payload: Buffer | readonly Buffer[]): Promise<void> {
    const file = this.entryPath(key);
    if (!file) return;
    const chunks = Buffer.isBuffer(payload) ? [payload] : payload;
    try {
      if (chunks.reduce((n, c) => n + c.length, 0) > MAX_ENTRY_BYTES) return;
      await writeAtomically(file, [header(key, chunks), ...chunks]);
    } catch {
      // Best effort: the layer results are still there, a rescan merges them again.
    }
  }

  private entryPath(key: string): string | undefined {
    return /^[0-9a-f]{64}$/.test(key) ? join(this.dir, `${key}${ENTRY_SUFFIX}`) : undefined;
  }
}

const ENTRY_SUFFIX = '.inv';
const MAGIC = 'grout-inventory 2\n';
/** Largest inventory stored (a 2 GB Debian image's is 6 MB). */
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

export function inventoryCacheDir(root: string = cacheRoot()): string {
  return join(root, 'images');
}

function header(key: string, chunks: readonly Buffer[]): Buffer {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  return Buffer.from(`${MAGIC}${key} ${length} ${checksum(chunks)}\n`, 'latin1');
}

/** zlib.crc32 arrived in Node 20.15; before it, SHA-256. */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

function checksum(chunks: readonly Buffer[]): string {
  if (crc32) return `crc32:${chunks.reduce((crc, c) => crc32(c, crc), 0).toString(16)}`;
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return `sha256:${hash.digest('hex')}`;
}

/** Every stored inventory, and temporary files left behind by processes that died mid-write. */
export async function listInventoryCache(root: string = cacheRoot(), now = Date.now()): Promise<{ entries: LayerCacheEntry[]; staleTemps: string[] }> {
  const dir = inventoryCacheDir(root);
  const entries: LayerCacheEntry[] = [];
  const staleTemps: string[] = [];
  await collectEntries(dir, (name) => /^[0-9a-f]{64}\.inv$/.test(name), now, entries, staleTemps);
  return { entries, staleTemps };
}

export interface InventoryCacheStatus {
  dir: string;
  entries: number;
  bytes: number;
}

export async function inventoryCacheStatus(root: string = cacheRoot()): Promise<InventoryCacheStatus> {
  const { entries } = await listInventoryCache(root);
  return { dir: inventoryCacheDir(root), entries: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
}

/** Drop least recently used inventories until they take at most `maxBytes`; stale temporary files go too. */
export async function pruneInventoryCache(maxBytes: number, root: string = cacheRoot()): Promise<PruneResult> {
  const { entries, staleTemps } = await listInventoryCache(root);
  for (const temp of staleTemps) await unlink(temp).catch(() => {});
  entries.sort((a, b) => a.usedMs - b.usedMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let bytes = entries.reduce((n, e) => n + e.bytes, 0);
  let removed = 0;
  let freedBytes = 0;
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
  }
  return { removed, freedBytes, entries: entries.length - removed, bytes };
}

/** Remove every stored inventory. */
export async function cleanInventoryCache(root: string = cacheRoot()): Promise<PruneResult> {
  const before = await inventoryCacheStatus(root);
  await rm(inventoryCacheDir(root), { recursive: true, force: true });
  return { removed: before.entries, freedBytes: before.bytes, entries: 0, bytes: 0 };
}
