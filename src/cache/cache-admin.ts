import { blobCacheStatus, cleanBlobCache, maxBytesFromEnv, pruneBlobCache, type BlobCacheStatus } from './blob-cache.js';
import { blobCacheDir, cacheRoot } from './cache-paths.js';
import { cleanInventoryCache, InventoryCache, inventoryCacheStatus, pruneInventoryCache, type InventoryCacheStatus } from './inventory-cache.js';
import { cleanLayerCache, LayerCache, layerCacheStatus, pruneLayerCache, type LayerCacheStatus } from './layer-cache.js';

/**
 * grout's on-disk cache as a whole: registry blobs, per-layer results and whole image inventories under one root
 * and one size cap (`GROUT_CACHE_MAX_BYTES`, default 10 GiB). Over the cap, blobs go first (a layer result is a
 * hundredth of its blob's size and makes the blob unnecessary for a rescan), then image inventories (rebuilt from
 * the layer results in a second or two), then layer results.
 */
export interface CacheStatus {
  root: string;
  maxBytes: number;
  blobs: BlobCacheStatus;
  layers: LayerCacheStatus;
  images: InventoryCacheStatus;
  /** Blobs (with partial downloads), layer results and image inventories. */
  totalBytes: number;
}

/** The root given, or the one the environment names. */
function rootOf(root: string | undefined): string {
  return root ?? cacheRoot();
}

function blobsUnder(root: string): string {
  return blobCacheDir({ ...process.env, GROUT_CACHE_DIR: root });
}

export async function cacheStatus(root?: string, maxBytes: number = maxBytesFromEnv()): Promise<CacheStatus> {
  const dir = rootOf(root);
  const [blobs, layers, images] = await Promise.all([blobCacheStatus(blobsUnder(dir), maxBytes), layerCacheStatus(dir), inventoryCacheStatus(dir)]);
  return { root: dir, maxBytes, blobs, layers, images, totalBytes: blobs.bytes + blobs.partialBytes + layers.bytes + images.bytes };
}

export interface CachePruneResult {
  blobs: { removed: number; freedBytes: number };
  layers: { removed: number; freedBytes: number };
  images: { removed: number; freedBytes: number };
  /** What the cache holds afterwards. */
  totalBytes: number;
}

/**
 * Bring the whole cache down to `maxBytes`, least recently used first: blobs down to what the layer results and
 * image inventories leave room for, then image inventories, then layer results if they alone are over. Stale
 * partial downloads and temporary files go too.
 */
export async function pruneCache(maxBytes: number, root?: string): Promise<CachePruneResult> {
  const dir = rootOf(root);
  const [layersBefore, imagesBefore] = await Promise.all([layerCacheStatus(dir), inventoryCacheStatus(dir)]);
  const blobs = await pruneBlobCache(Math.max(0, maxBytes - layersBefore.bytes - imagesBefore.bytes), blobsUnder(dir));
  const images = await pruneInventoryCache(Math.max(0, maxBytes - blobs.remainingBytes - layersBefore.bytes), dir);
  const layers = await pruneLayerCache(Math.max(0, maxBytes - blobs.remainingBytes - images.bytes), dir);
  const after = await cacheStatus(dir, maxBytes);
  return {
    blobs: { removed: blobs.removed, freedBytes: blobs.freedBytes },
    layers: { removed: layers.removed, freedBytes: layers.freedBytes },
    images: { removed: images.removed, freedBytes: images.freedBytes },
    totalBytes: after.totalBytes,
  };
}

/** Remove every blob, partial download, layer result and image inventory. */
export async function cleanCache(root?: string): Promise<CachePruneResult> {
  const dir = rootOf(root);
  const blobs = await cleanBlobCache(blobsUnder(dir));
  const layers = await cleanLayerCache(dir);
  const images = await cleanInventoryCache(dir);
  const after = await cacheStatus(dir);
  return {
    blobs: { removed: blobs.removed, freedBytes: blobs.freedBytes },
    layers: { removed: layers.removed, freedBytes: layers.freedBytes },
    images: { removed: images.removed, freedBytes: images.freedBytes },
    totalBytes: after.totalBytes,
  };
}

export interface LayerCacheChoice {
  /** false turns the cache off, as GROUT_NO_CACHE=1 does. Default true. */
  enabled?: boolean;
  root?: string;
  maxBytes?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The layer-result cache a scan should use, or undefined when caching is off (`enabled: false`, or
 * `GROUT_NO_CACHE=1` in the environment). It keeps the whole cache under the cap when a pass settles.
 *
 * @example
 * const inv = await catalogImage(image, { extractors, ...(cache ? { layerResults: cache } : {}) });
 */
export function openLayerCache(choice: LayerCacheChoice = {}): LayerCache | undefined {
  const env = choice.env ?? process.env;
  if (choice.enabled === false || isTruthy(env['GROUT_NO_CACHE'])) return undefined;
  const root = choice.root ?? cacheRoot(env);
  const maxBytes = choice.maxBytes ?? maxBytesFromEnv(env);
  return new LayerCache({ root, maxBytes, enforce: (max) => pruneCache(max, root).then(() => {}) });
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * The image-inventory cache a scan should use beside the layer cache, or undefined when caching is off (the same
 * choice as openLayerCache).
 */
export function openInventoryCache(choice: LayerCacheChoice = {}): InventoryCache | undefined {
  const env = choice.env ?? process.env;
  if (choice.enabled === false || isTruthy(env['GROUT_NO_CACHE'])) return undefined;
  return new InventoryCache(choice.root ?? cacheRoot(env));
}
