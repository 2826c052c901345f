/**
 * A registry image as stored, for rewriting and re-pushing: the manifest's digest and annotations, the config's
 * bytes, and every layer blob fetched into the blob cache (digest-verified there; a blob already cached is not
 * downloaded again).
 */
import { BlobCache } from '../../cache/blob-cache.js';
import { GroutError } from '../../core/errors.js';
import { asObject, parseJson } from '../json-blob.js';
import type { Descriptor } from '../manifest.js';
import type { Platform } from '../platform.js';
import type { DockerReference } from './docker-reference.js';
import { Limit } from '../../core/limit.js';
import { RegistryClient } from './registry-client.js';
import { fetchSmallBlob, resolvePlatform, type RegistrySourceOptions } from './registry-source.js';

export interface StoredRegistryImage {
  manifestDigest: string;
  /** The manifest's own annotations. */
  annotations: Record<string, string>;
  configDigest: string;
  config: Buffer;
  /** Layers bottom first, each with its blob file in the cache. */
  layers: { descriptor: Descriptor; size: number; file: string }[];
  /** The cache the files are in. */
  cache: BlobCache;
}

/** Fetch manifest, config and layers of `image` (through an index by platform). */
export async function fetchStoredImage(image: DockerReference, options: RegistrySourceOptions = {}, platform?: Platform, signal?: AbortSignal): Promise<StoredRegistryImage> {
  const client = new RegistryClient(image.domain, options);
  try {
    const top = await client.getManifest(image.path, image.digest ?? image.tag ?? 'latest', signal);
    const { manifest, fetched, where } = await resolvePlatform(client, image, top, platform, signal);
    const json = asObject(parseJson(fetched.bytes, where), where, 'the manifest');
    const annotations: Record<string, string> = {};
    const raw = json['annotations'];
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') annotations[k] = v;
    const cache = options.cache ?? new BlobCache();
    const config = await fetchSmallBlob(client, cache, image.path, manifest.config.digest, manifest.config.size, signal);
    const limit = new Limit(options.downloadConcurrency ?? 3);
    const layers = await Promise.all(
      manifest.layers.map(async (descriptor, i) => {
        if (descriptor.size === undefined) throw new GroutError('E_IMAGE_FORMAT', `${where}: layers[${i}] has no size`);
        const size = descriptor.size;
        const file = await limit.run(() =>
          cache.fetch(descriptor.digest, (offset, s) => client.openBlob(image.path, descriptor.digest, offset, s), { size, ...(signal ? { signal } : {}) }),
        );
        return { descriptor, size, file };
      }),
    );
    return { manifestDigest: fetched.digest, annotations, configDigest: manifest.config.digest, config, layers, cache };
  } finally {
    client.close();
  }
}
