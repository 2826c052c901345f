import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheStatus, cleanCache, openInventoryCache, openLayerCache, pruneCache } from './cache-admin.js';
import { LayerCache, listLayerCache } from './layer-cache.js';

const work = mkdtempSync(join(tmpdir(), 'grout-cache-admin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function freshRoot(): string {
  const root = join(work, `root-${n++}`);
  mkdirSync(root);
  return root;
}

/** A blob as the blob cache stores it: `<root>/blobs/sha256/<hex of its bytes>`, last used `ageMs` ago. */
function addBlob(root: string, bytes: Buffer, ageMs: number): string {
  const dir = join(root, 'blobs', 'sha256');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, createHash('sha256').update(bytes).digest('hex'));
  writeFileSync(path, bytes);
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
  return path;
}

const diffId = (c: string): string => `sha256:${c.repeat(64)}`;
const KEY = 'abcdef0123456789abcdef0123456789';

async function addLayerResults(root: string, count: number): Promise<number> {
  const cache = new LayerCache({ root });
  for (let i = 0; i < count; i++) await cache.put(diffId('abcdef'[i]!), KEY, Buffer.from(`result ${i}`));
  const { entries } = await listLayerCache(root);
  return entries.reduce((s, e) => s + e.bytes, 0);
}

describe('the cache as a whole', () => {
  it('reports blobs and layer results under one root', async () => {
    const root = freshRoot();
    addBlob(root, Buffer.alloc(1000, 1), 0);
    addBlob(root, Buffer.alloc(500, 2), 0);
    const layerBytes = await addLayerResults(root, 3);
    const status = await cacheStatus(root, 1 << 20);
    expect(status).toMatchObject({ root, maxBytes: 1 << 20, blobs: { blobs: 2, bytes: 1500 }, layers: { entries: 3, layers: 3, bytes: layerBytes } });
    expect(status.totalBytes).toBe(1500 + layerBytes);
  });

  it('prunes blobs before layer results, least recently used first', async () => {
    const root = freshRoot();
    const old = addBlob(root, Buffer.alloc(1000, 1), 60_000);
    const recent = addBlob(root, Buffer.alloc(1000, 2), 1_000);
    const layerBytes = await addLayerResults(root, 2);
    const result = await pruneCache(1000 + layerBytes, root);
    expect(result).toMatchObject({ blobs: { removed: 1, freedBytes: 1000 }, layers: { removed: 0 }, totalBytes: 1000 + layerBytes });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    // Layer results alone over the cap: every blob goes, then the oldest results.
    const tight = await pruneCache(layerBytes - 1, root);
    expect(tight.blobs.removed).toBe(1);
    expect(tight.layers.removed).toBe(1);
    expect((await cacheStatus(root)).totalBytes).toBeLessThan(layerBytes);
  });

  it('counts, prunes (after blobs, before layer results) and cleans image inventories', async () => {
    const root = freshRoot();
    const images = openInventoryCache({ root, env: {} })!;
    await images.put('a'.repeat(64), Buffer.from('inventory a'.repeat(100)));
    const layerBytes = await addLayerResults(root, 1);
    const status = await cacheStatus(root);
    expect(status.images).toMatchObject({ entries: 1, dir: join(root, 'images') });
    expect(status.totalBytes).toBe(layerBytes + status.images.bytes);
    const pruned = await pruneCache(layerBytes, root);
    expect(pruned).toMatchObject({ images: { removed: 1 }, layers: { removed: 0 }, totalBytes: layerBytes });
    await images.put('b'.repeat(64), Buffer.from('inventory b'));
    expect(await cleanCache(root)).toMatchObject({ images: { removed: 1 }, layers: { removed: 1 }, totalBytes: 0 });
    expect(openInventoryCache({ root, env: { GROUT_NO_CACHE: '1' } })).toBeUndefined();
    expect(openInventoryCache({ root, enabled: false, env: {} })).toBeUndefined();
  });

  it('cleans everything', async () => {
    const root = freshRoot();
    addBlob(root, Buffer.alloc(10, 1), 0);
    await addLayerResults(root, 2);
    const result = await cleanCache(root);
    expect(result).toMatchObject({ blobs: { removed: 1, freedBytes: 10 }, layers: { removed: 2 }, totalBytes: 0 });
    expect((await cacheStatus(root)).totalBytes).toBe(0);
  });

  it('opens no layer cache when GROUT_NO_CACHE is set or it is turned off', () => {
    const root = freshRoot();
    expect(openLayerCache({ root, env: { GROUT_NO_CACHE: '1' } })).toBeUndefined();
    expect(openLayerCache({ root, enabled: false, env: {} })).toBeUndefined();
    expect(openLayerCache({ root, env: { GROUT_NO_CACHE: '0' } })).toBeInstanceOf(LayerCache);
    expect(openLayerCache({ env: { GROUT_CACHE_DIR: root } })?.dir).toBe(join(root, 'layers'));
  });

  it('keeps blobs and layer results under the shared cap (GROUT_CACHE_MAX_BYTES) when a pass settles', async () => {
    const root = freshRoot();
    const blob = addBlob(root, Buffer.alloc(4000, 3), 60_000);
    const cache = openLayerCache({ root, env: { GROUT_CACHE_MAX_BYTES: '3K' } })!;
    await cache.put(diffId('a'), KEY, Buffer.from('a result'));
    expect(existsSync(blob)).toBe(true);
    await cache.settle();
    expect(existsSync(blob)).toBe(false);
    expect((await cacheStatus(root)).layers.entries).toBe(1);
  });
});
