import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { BlobCache } from '../../cache/blob-cache.js';
import { GroutError, isGroutError } from '../../core/errors.js';
import type { ProgressListener } from '../../core/events.js';
import type { ImageDescription } from '../../core/model.js';
import { parseImageConfig } from '../image-config.js';
import { asObject, MAX_JSON_BYTES, parseJson } from '../json-blob.js';
import { checkConfigPlatform, choosePlatform, describeManifest, manifestKind, parseImageManifest, parseIndex, type ImageManifest } from '../manifest.js';
import type { Platform } from '../platform.js';
import type { LayerEntry, LayerEntryProblem, LayerHandle, OpenedImage, OpenOptions } from '../source.js';
import { readTarLayer } from '../tar-layer.js';
import { formatDockerReference, type DockerReference } from './docker-reference.js';
import { Limit } from '../../core/limit.js';
import { RegistryClient, type FetchedManifest, type RegistryClientOptions } from './registry-client.js';

export interface RegistrySourceOptions extends RegistryClientOptions {
  /** The blob cache to download into; default: the shared one under the cache root. */
  cache?: BlobCache;
  /** Layer downloads at the same time. Default 3. */
  downloadConcurrency?: number;
  /** Receives `blob-download` events. */
  onProgress?: ProgressListener;
}

const MAX_INDEX_DEPTH = 4;
const PROGRESS_STEP = 1024 * 1024;
/**
 * Chunks a cached layer blob is read in: below glibc's 128 KB mmap threshold. Larger chunks (512 KB) were each
 * mapped and unmapped, which made malloc raise its threshold and serve them from the heap afterwards, where
 * hundreds of freed chunks stayed resident for the rest of the run (peak RSS).
 */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Open an image in a registry: the manifest (through an index by platform when it is one), the config, and layer
 * handles that download lazily — only when `entries()` is called, so a layer whose results are cached is never
 * fetched — into the blob cache, at most `downloadConcurrency` at once, and then stream through the same
 * digest-verifying tar reader as every other source.
 */
export async function openRegistryImage(
  image: DockerReference,
  reference: string,
  options: RegistrySourceOptions = {},
  openOptions: OpenOptions = {},
): Promise<OpenedImage> {
  const client = new RegistryClient(image.domain, options);
  try {
    const { signal, platform } = openOptions;
    const name = `${image.domain}/${image.path}`;
    const top = await client.getManifest(image.path, image.digest ?? image.tag ?? 'latest', signal);
    const { manifest, fetched, where } = await resolvePlatform(client, image, top, platform, signal);
    const cache = options.cache ?? new BlobCache();
    const configBytes = await fetchSmallBlob(client, cache, image.path, manifest.config.digest, manifest.config.size, signal);
    const configWhere = `${name}@${manifest.config.digest}`;
    const config = parseImageConfig(parseJson(configBytes, configWhere), configWhere);
    if (fetched === top) checkConfigPlatform(config, platform, where);
    const description: ImageDescription = describeManifest(
      { reference, transport: 'registry', tags: image.tag !== undefined ? [formatDockerReference({ domain: image.domain, path: image.path, tag: image.tag })] : [], manifestDigest: fetched.digest },
      manifest,
      config,
      where,
    );
    const limit = new Limit(options.downloadConcurrency ?? 3);
    const layers: LayerHandle[] = description.layers.map((ref, i) => ({
      ref,
      entries: (layerSignal?: AbortSignal) =>
        layerEntries(client, cache, limit, image.path, `${name}@${ref.digest!}`, ref.digest!, ref.mediaType, manifest.layers[i]?.size, i, options.onProgress, layerSignal ?? signal),
    }));
    return { description, layers, close: async () => client.close() };
  } catch (err) {
    client.close();
    throw err;
  }
}

/** Follow an index to the manifest of the wanted platform (or the only one). */
export async function resolvePlatform(
  client: RegistryClient,
  image: DockerReference,
  top: FetchedManifest,
  platform: Platform | undefined,
  signal: AbortSignal | undefined,
): Promise<{ manifest: ImageManifest; fetched: FetchedManifest; where: string }> {
  let fetched = top;
  for (let depth = 0; ; depth++) {
    const where = `${image.domain}/${image.path}@${fetched.digest}`;
    const json = asObject(parseJson(fetched.bytes, where), where, 'the manifest');
    if (manifestKind(json, knownType(fetched.mediaType), where) === 'manifest') return { manifest: parseImageManifest(json, where), fetched, where };
    if (depth >= MAX_INDEX_DEPTH) throw new GroutError('E_IMAGE_FORMAT', `${where}: indexes nested too deeply`);
    const child = choosePlatform(parseIndex(json, where), platform, where);
    fetched = await client.getManifest(image.path, child.digest, signal);
  }
}

/** Registries answer some manifests as application/json or octet-stream; only trust the known types. */
function knownType(mediaType: string): string {
  return mediaType.startsWith('application/vnd.') ? mediaType : '';
}

/** A config: through the blob cache too, so a rescan needs the manifest only. */
export async function fetchSmallBlob(client: RegistryClient, cache: BlobCache, repository: string, digest: string, size: number | undefined, signal?: AbortSignal): Promise<Buffer> {
  if (size !== undefined && size > MAX_JSON_BYTES) throw new GroutError('E_TOO_LARGE', `config ${digest} is ${size} bytes, more than the ${MAX_JSON_BYTES} allowed`);
  const path = await cache.fetch(digest, (offset, s) => client.openBlob(repository, digest, offset, s), {
    ...(size !== undefined ? { size } : {}),
    ...(signal ? { signal } : {}),
  });
  const st = await stat(path);
  if (st.size > MAX_JSON_BYTES) throw new GroutError('E_TOO_LARGE', `config ${digest} is more than ${MAX_JSON_BYTES} bytes`);
  return readFile(path);
}

async function* layerEntries(
  client: RegistryClient,
  cache: BlobCache,
  limit: Limit,
  repository: string,
  name: string,
  digest: string,
  mediaType: string | undefined,
  size: number | undefined,
  index: number,
  onProgress: ProgressListener | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<LayerEntry | LayerEntryProblem> {
  let reported = 0;
  const path = await limit.run(() =>
    cache.fetch(digest, (offset, s) => client.openBlob(repository, digest, offset, s), {
      ...(size !== undefined ? { size } : {}),
      ...(signal ? { signal } : {}),
      ...(onProgress
        ? {
            onProgress: (bytes: number, total: number | undefined) => {
              if (bytes - reported < PROGRESS_STEP && bytes !== total) return;
              reported = bytes;
              onProgress({ type: 'blob-download', digest, bytes, index, ...(total !== undefined ? { total } : {}) });
            },
          }
        : {}),
    }),
  );
  const head = await readHead(path);
  try {
    yield* readTarLayer({ name, head, ...(mediaType ? { mediaType } : {}), open: () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), blobDigest: digest }, signal);
  } catch (err) {
    // The cache only ever renames verified bytes in, so a mismatch now means the file was altered on disk:
    // drop it, so the next run downloads it afresh.
    if (isGroutError(err) && err.code === 'E_DIGEST_MISMATCH') await cache.evict(digest).catch(() => {});
    throw err;
  }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
