import { blobCacheStatus, cleanBlobCache, maxBytesFromEnv, pruneBlobCache, type BlobCacheStatus } from './blob-cache.js';
import { blobCacheDir, cacheRoot } from './cache-paths.js';
import { cleanLayerCache, LayerCache, layerCacheStatus, pruneLayerCache, type LayerCacheStatus } from './layer-cache.js';

/**
 * grout's on-disk cache as a whole: registry blobs and per-layer results under one root and one size cap
 * (`GROUT_CACHE_MAX_BYTES`, default 10 GiB). Over the cap, blobs go before layer results: a layer result is a
 * hundredth of its blob's size and makes the blob unnecessary for a rescan.
 */
export interface CacheStatus {
  root: string;
  maxBytes: number;
  blobs: BlobCacheStatus;
  layers: LayerCacheStatus;
  /** Blobs (with partial downloads) and layer results. */
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
  const [blobs, layers] = await Promise.all([blobCacheStatus(blobsUnder(dir), maxBytes), layerCacheStatus(dir)]);
  return { root: dir, maxBytes, blobs, layers, totalBytes: blobs.bytes + blobs.partialBytes + layers.bytes };
}

export interface CachePruneResult {
  blobs: { removed: number; freedBytes: number };
  layers: { removed: number; freedBytes: number };
  /** What the cache holds afterwards. */
  totalBytes: number;
}

/**
 * Bring the whole cache down to `maxBytes`, least recently used first: blobs down to what the layer results leave
 * room for, then layer results if they alone are over. Stale partial downloads and temporary files go too.
 */
export async function pruneCache(maxBytes: number, root?: string): Promise<CachePruneResult> {
  const dir = rootOf(root);
  const before = await layerCacheStatus(dir);
  const blobs = await pruneBlobCache(Math.max(0, maxBytes - before.bytes), blobsUnder(dir));
  const layers = await pruneLayerCache(Math.max(0, maxBytes - blobs.remainingBytes), dir);
  const after = await cacheStatus(dir, maxBytes);
  return {
    blobs: { removed: blobs.removed, freedBytes: blobs.freedBytes },
    layers: { removed: layers.removed, freedBytes: layers.freedBytes },
    totalBytes: after.totalBytes,
  };
}

/** Remove every blob, partial download and layer result. */
export async function cleanCache(root?: string): Promise<CachePruneResult> {
  const dir = rootOf(root);
  const blobs = await cleanBlobCache(blobsUnder(dir));
  const layers = await cleanLayerCache(dir);
  const after = await cacheStatus(dir);
  return {
    blobs: { removed: blobs.removed, freedBytes: blobs.freedBytes },
    layers: { removed: layers.removed, freedBytes: layers.freedBytes },
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
