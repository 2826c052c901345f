import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { BlobCache } from '../../cache/blob-cache.js';
import { BlobTransfer } from '../../cache/blob-transfer.js';
import { GroutError, isGroutError } from '../../core/errors.js';
import type { ProgressListener } from '../../core/events.js';
import type { ImageDescription } from '../../core/model.js';
import { parseImageConfig } from '../image-config.js';
import { asObject, MAX_JSON_BYTES, parseJson } from '../json-blob.js';
import { checkConfigPlatform, choosePlatform, describeManifest, manifestKind, parseImageManifest, parseIndex, type ImageManifest } from '../manifest.js';
import type { Platform } from '../platform.js';
import type { LayerEntry, LayerEntryProblem, LayerHandle, OpenedImage, OpenOptions } from '../source.js';
import { READ_CHUNK_BYTES } from '../blob-fs.js';
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
    const downloads = new Map<number, LayerDownload>();
    const download = (i: number): LayerDownload => {
      let started = downloads.get(i);
      if (!started) {
        const digest = description.layers[i]!.digest!;
        started = startDownload(client, cache, limit, image.path, digest, manifest.layers[i]?.size, i, options.onProgress, signal);
        downloads.set(i, started);
      }
      return started;
    };
    const layers: LayerHandle[] = description.layers.map((ref, i) => ({
      ref,
      prefetch: () => void download(i),
      entries: (layerSignal?: AbortSignal) => layerEntries(cache, download(i), `${name}@${ref.digest!}`, ref.digest!, ref.mediaType, layerSignal ?? signal),
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

interface LayerDownload {
  transfer: BlobTransfer;
  /** The cached blob once downloaded and verified. */
  done: Promise<string>;
}

/** Download a layer blob into the cache (at most `limit` at once), readable as it arrives through `transfer`. */
function startDownload(
  client: RegistryClient,
  cache: BlobCache,
  limit: Limit,
  repository: string,
  digest: string,
  size: number | undefined,
  index: number,
  onProgress: ProgressListener | undefined,
  signal: AbortSignal | undefined,
): LayerDownload {
  const transfer = new BlobTransfer();
  let reported = 0;
  const done = limit.run(() =>
    cache.fetch(digest, (offset, s) => client.openBlob(repository, digest, offset, s), {
      transfer,
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
  // A prefetched layer nobody reads (the scan failed elsewhere) must not become an unhandled rejection.
  done.catch(() => {});
  return { transfer, done };
}

/**
 * A layer's entries: from the cached blob when it was complete before, else following its download, so the layer
 * is decompressed and parsed while its bytes arrive. The download verifies the digest before the followed stream
 * ends; a cached blob is verified as it is read.
 */
async function* layerEntries(
  cache: BlobCache,
  download: LayerDownload,
  name: string,
  digest: string,
  mediaType: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<LayerEntry | LayerEntryProblem> {
  const { transfer, done } = download;
  // Waits for the first bytes, or for the fetch to find the blob already cached (a download slot may be needed first).
  const head = await transfer.head(512, signal);
  const cached = transfer.cachedPath;
  if (cached === undefined) {
    // Bytes are parsed before the download is verified, so corrupt ones may first fail to decompress or parse (in
    // the layer or in a file being read): a digest mismatch, if that is what the download ends in, is the better
    // explanation.
    const explain = async (err: unknown): Promise<never> => {
      await done;
      throw err;
    };
    try {
      for await (const entry of readTarLayer({ name, head, ...(mediaType ? { mediaType } : {}), open: () => transfer.follow(signal) }, signal)) {
        if (entry.kind !== 'node') {
          yield entry;
          continue;
        }
        const { read, stream } = entry;
        yield { ...entry, read: () => read().catch(explain), stream: () => explained(stream(), explain) };
      }
    } catch (err) {
      await explain(err);
    }
    return;
  }
  try {
    yield* readTarLayer({ name, head, ...(mediaType ? { mediaType } : {}), open: () => createReadStream(cached, { highWaterMark: READ_CHUNK_BYTES }), blobDigest: digest }, signal);
  } catch (err) {
    // The cache only ever renames verified bytes in, so a mismatch now means the file was altered on disk:
    // drop it, so the next run downloads it afresh.
    if (isGroutError(err) && err.code === 'E_DIGEST_MISMATCH') await cache.evict(digest).catch(() => {});
    throw err;
  }
}

async function* explained(chunks: AsyncIterable<Buffer>, explain: (err: unknown) => Promise<never>): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (err) {
    await explain(err);
  }
}
