import { Writable, type Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { digestVerifier } from '../core/digest.js';
import { GroutError, isGroutError } from '../core/errors.js';
import { baseName, normaliseImagePath, parentOf } from '../core/paths.js';
import { decompressor, detectCompression } from './decompress.js';
import type { LayerEntry, LayerEntryProblem, LayerNode } from './source.js';

export interface TarLayerInput {
  /** Name for messages, e.g. `app.tar:blobs/sha256/ab…`. */
  name: string;
  /** The first bytes of the blob, for compression sniffing. */
  head: Buffer;
  mediaType?: string;
  /** Opens the blob as stored (possibly compressed). */
  open(): Readable;
  /** Digest of the stored bytes to verify while streaming. */
  blobDigest?: string;
  /** Digest of the uncompressed tar to verify while streaming (when no blob digest covers it). */
  diffId?: string;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Stream a layer tar exactly once: verify, decompress, parse, and yield entries with normalised paths. Whiteouts
 * become `whiteout`/`opaque` entries; entries with unsafe names become problems and are skipped.
 */
export async function* readTarLayer(input: TarLayerInput, signal?: AbortSignal): AsyncGenerator<LayerEntry | LayerEntryProblem> {
  const stages: (Readable | Transform)[] = [input.open()];
  if (input.blobDigest) stages.push(digestVerifier(input.blobDigest, input.name));
  const compression = detectCompression(input.head, input.mediaType);
  const decompress = decompressor(compression);
  if (decompress) stages.push(decompress);
  if (input.diffId && (compression !== 'none' || input.diffId !== input.blobDigest)) {
    stages.push(digestVerifier(input.diffId, `${input.name} (uncompressed)`));
  }
  // allowUnknownFormat: old v7 tars have no ustar magic (the typings omit the option).
  const extract = tarExtract({ allowUnknownFormat: true } as Parameters<typeof tarExtract>[0]);
  let failure: unknown;
  const done = pipeline([...stages, extract] as unknown as [Readable, ...Transform[]], signal ? { signal } : {}).catch((err: unknown) => {
    failure ??= err;
  });

  try {
    for await (const entry of extract) {
      const header = entry.header;
      let consumed = false;
      const chunks = entry as unknown as AsyncIterable<Buffer>;
      const mapped = mapEntry(
        header,
        input.name,
        () => {
          consumed = true;
          return collect(chunks);
        },
        () => {
          consumed = true;
          return chunks;
        },
      );
      if (mapped) yield mapped;
      if (!consumed) entry.resume();
    }
  } catch (err) {
    failure ??= err;
  }
  await done;
  if (failure !== undefined) {
    // A blob that fails to parse may simply be corrupt: when its digest does not match either, say that.
    if (!isGroutError(failure) && input.blobDigest) await verifyWhole(input);
    throw layerError(failure, input.name);
  }
}

async function verifyWhole(input: TarLayerInput): Promise<void> {
  await pipeline(input.open(), digestVerifier(input.blobDigest!, input.name), new Writable({ write: (_c, _e, cb) => cb() }));
}

function mapEntry(
  header: Header,
  layer: string,
  read: () => Promise<Buffer>,
  stream: () => AsyncIterable<Buffer>,
): LayerEntry | LayerEntryProblem | undefined {
  let path: string | undefined;
  try {
    path = normaliseImagePath(header.name);
  } catch {
    return { kind: 'problem', path: header.name, reason: `${layer}: entry name escapes the image root; skipped` };
  }
  if (path === undefined) return undefined;

  const base = baseName(path);
  if (base.startsWith(WHITEOUT_PREFIX)) {
    if (base === OPAQUE) return { kind: 'opaque', path: parentOf(path) };
    if (base.startsWith('.wh..wh.')) return undefined; // aufs bookkeeping (.wh..wh.plnk …)
    const parent = parentOf(path);
    const target = base.slice(WHITEOUT_PREFIX.length);
    return { kind: 'whiteout', path: parent ? `${parent}/${target}` : target };
  }

  const node: LayerNode = { kind: 'node', path, type: 'other', mode: header.mode ?? 0, size: 0, read, stream };
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      node.type = 'file';
      node.size = header.size ?? 0;
      break;
    case 'directory':
      node.type = 'dir';
      break;
    case 'symlink':
      node.type = 'symlink';
      node.linkTarget = header.linkname ?? '';
      break;
    case 'link': {
      let target: string | undefined;
      try {
        target = normaliseImagePath(header.linkname ?? '');
      } catch {
        return { kind: 'problem', path, reason: `${layer}: hard link target ${JSON.stringify(header.linkname)} escapes the image root; skipped` };
      }
      if (target === undefined) return { kind: 'problem', path, reason: `${layer}: hard link without a target; skipped` };
      node.type = 'hardlink';
      node.linkTarget = target;
      break;
    }
    default:
      node.type = 'other';
  }
  return node;
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function layerError(err: unknown, name: string): GroutError {
  if (isGroutError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'AbortError') {
    return new GroutError('E_INTERNAL', `${name}: reading was cancelled`, { cause: err, file: name });
  }
  return new GroutError('E_LAYER_FORMAT', `${name}: cannot read layer: ${message}`, {
    cause: err,
    file: name,
    hint: 'the layer is corrupt, truncated or not a tar archive',
  });
}
