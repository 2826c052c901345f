import { createHash } from 'node:crypto';
import type { ProgressListener } from '../core/events.js';
import type { ImageDescription, Inventory } from '../core/model.js';
import type { OpenedImage } from '../image/index.js';
import { decodeInventoryPayload, encodeInventoryPayload, INVENTORY_CODEC_VERSION, InventoryCodecError } from './inventory-codec.js';
import { isCacheableLayer, layerResultKey } from './layer-results.js';

/**
 * Where the catalog keeps whole inventories of images it has seen, beside the per-layer results (as Trivy keeps an
 * "artifact" entry beside its blob entries): a rescan of a seen image reads one entry instead of merging its layers
 * again. `cache/inventory-cache.ts` keeps them on disk. Payloads are opaque to the store.
 */
export interface InventoryResultStore {
  /** The payload stored under key; undefined when there is none or it cannot be read. Never throws for a bad entry. */
  get(key: string): Promise<Buffer | undefined>;
  /** Store a payload given as consecutive chunks (replacing a bad entry). Best effort. */
  put(key: string, payload: readonly Buffer[]): Promise<void>;
}

/**
 * Bump when what the catalog builds from the same layer results changes: the merge of layers (merge-layers.ts),
 * distro detection, which layer introduced a package, the ownership graph, relationships, package ids and purls,
 * issue sorting. Extractor versions and the per-layer pass are in the pass fingerprint already, and the caller's
 * salt (grout's version) covers everything else between releases.
 */
export const INVENTORY_MERGE_VERSION = 1;

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/**
 * The key of an image's inventory, or undefined when it must not be cached: a root file system (its content can
 * change), an image without a config digest, or a layer without content-addressed names. The key names the merge
 * and codec versions, the caller's salt, the pass fingerprint (every extractor's name@version and cap, the pass
 * and layer codec versions), the config digest and each layer's diffId and result key (which names its blob digest),
 * in order.
 */
export function inventoryResultKey(fingerprint: string, image: ImageDescription, salt: string): string | undefined {
  if (image.transport === 'rootfs' || image.transport === 'sbom') return undefined;
  if (!image.configDigest || !SHA256.test(image.configDigest) || image.layers.length === 0) return undefined;
  if (!image.layers.every((ref) => isCacheableLayer(image, ref))) return undefined;
  const lines = [
    `inventory ${INVENTORY_MERGE_VERSION}/${INVENTORY_CODEC_VERSION}`,
    `salt ${JSON.stringify(salt)}`,
    fingerprint,
    `config ${image.configDigest}`,
    ...image.layers.map((ref) => `layer ${ref.diffId} ${layerResultKey(fingerprint, ref)}`),
  ];
  return createHash('sha256').update(`${lines.join('\n')}\n`).digest('hex');
}

/** A stored inventory, or undefined when there is none or it is unusable (it is then built afresh and stored again). */
export async function cachedInventory(
  store: InventoryResultStore,
  key: string,
  image: OpenedImage,
  onProgress: ProgressListener | undefined,
): Promise<Inventory | undefined> {
  const payload = await store.get(key);
  if (!payload) return undefined;
  let inventory: Inventory;
  try {
    inventory = decodeInventoryPayload(payload, image.description);
  } catch (err) {
    if (err instanceof InventoryCodecError) return undefined;
    throw err;
  }
  // The same events as a pass whose every layer came from the layer cache.
  const total = image.layers.length;
  for (const { ref } of image.layers) {
    onProgress?.({ type: 'layer-start', index: ref.index, total, diffId: ref.diffId, ...(ref.digest !== undefined ? { digest: ref.digest } : {}) });
    onProgress?.({ type: 'layer-done', index: ref.index, total, entries: 0, wanted: 0, cached: true });
  }
  return inventory;
}

export async function storeInventory(store: InventoryResultStore, key: string, inventory: Inventory): Promise<void> {
  let payload: Buffer[];
  try {
    payload = encodeInventoryPayload(inventory);
  } catch (err) {
    // An inventory too large to encode as one string is simply not cached.
    if (err instanceof RangeError) return;
    throw err;
  }
  await store.put(key, payload);
}
