import type { ProgressListener } from '../core/events.js';
import type { Inventory } from '../core/model.js';
import { catalogImage, defaultExtractors, type AnyExtractor } from '../catalog/index.js';
import { imageSource, parsePlatform, type ImageSource, type Platform, type RegistrySourceOptions } from '../image/index.js';
import { openInventoryCache, openLayerCache } from '../cache/cache-admin.js';
import { GROUT_VERSION } from '../grout-version.js';

export interface InventoryOptions {
  /** `linux/arm64`, or a parsed platform; default: the host's. */
  platform?: string | Platform;
  extractors?: readonly AnyExtractor[];
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /**
   * Reuse (and store) per-layer results and whole image inventories in the cache dir ($GROUT_CACHE_DIR, else
   * ~/.cache/grout), keyed by layer, config, extractor versions and grout's version; default true, and off with
   * GROUT_NO_CACHE=1.
   */
  cache?: boolean;
  /** Credentials, CA and TLS options for registry references (ignored for other sources). */
  registry?: RegistrySourceOptions;
}

/**
 * Read an image once and return its inventory: distro, packages with the layer that brought each, the files they
 * own, dependencies, and the non-fatal issues met.
 *
 * @example
 * const inv = await inventory('oci:./layout:latest');
 * console.log(inv.packages.map((p) => p.purl));
 */
export async function inventory(source: string | ImageSource, options: InventoryOptions = {}): Promise<Inventory> {
  // Registry downloads report their bytes to the same listener as the layers, unless the caller routed them elsewhere.
  const registry =
    options.onProgress && options.registry?.onProgress === undefined ? { ...options.registry, onProgress: options.onProgress } : options.registry;
  const src = typeof source === 'string' ? imageSource(source, registry ? { registry } : {}) : source;
  const platform = typeof options.platform === 'string' ? parsePlatform(options.platform) : options.platform;
  const image = await src.open({ ...(platform ? { platform } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  try {
    options.onProgress?.({ type: 'image-opened', reference: src.reference, layers: image.layers.length });
    const layerResults = openLayerCache({ enabled: options.cache !== false });
    const inventoryResults = openInventoryCache({ enabled: options.cache !== false });
    return await catalogImage(image, {
      extractors: options.extractors ?? defaultExtractors,
      ...(layerResults ? { layerResults } : {}),
      ...(inventoryResults ? { inventoryResults, cacheSalt: `grout ${GROUT_VERSION}` } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    await image.close();
  }
}
