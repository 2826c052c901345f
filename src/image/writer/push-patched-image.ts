/**
 * Pushing a patched image to a registry: the kept layers are skipped when the target repository has them (HEAD),
 * mounted when the source is another repository of the same registry, and uploaded otherwise; then the patch
 * layer, the new config, and last the manifest under the tag — so a failed push leaves every tag as it was.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createHash } from 'node:crypto';
import { GroutError } from '../../core/errors.js';
import { DirFs } from '../blob-fs.js';
import { parseSourceReference } from '../reference.js';
import { bufferBlob, fileBlob, pushBlob, pushManifest, type BlobPushOutcome, type PushBlob } from '../registry/blob-push.js';
import { formatDockerReference, type DockerReference } from '../registry/docker-reference.js';
import { Limit } from '../../core/limit.js';
import { RegistryClient } from '../registry/registry-client.js';
import type { RegistrySourceOptions } from '../registry/registry-source.js';
import { OCI_MANIFEST, ociLayerMediaType, patchedConfig, patchedManifest, patchLayerAnnotations, type LayerDescriptor } from './image-json.js';
import { parseOutputReference, type OutputSpec, type RegistryOutputSpec } from './output-reference.js';
import type { SourceImage, SourceLayer } from './source-image.js';
import type { PatchLayerBlob } from './write-patched-image.js';

export interface PushCounts {
  /** Blobs whose bytes were sent. */
  uploaded: number;
  /** Blobs mounted from the source repository. */
  mounted: number;
  /** Blobs the target repository already had. */
  existing: number;
}

export interface PushedImage {
  manifestDigest: string;
  configDigest: string;
  /** `host/repo@sha256:…`: the pushed image, by digest. */
  digestReference: string;
  counts: PushCounts;
}

export interface PushPatchedImageInput {
  source: SourceImage;
  kept: number;
  replacing: boolean;
  layer: PatchLayerBlob;
  out: RegistryOutputSpec;
  summary: string;
  created: Date;
  groutVersion: string;
  registry?: RegistrySourceOptions;
  /** PATCH chunk size for large blobs (tests). */
  chunkSize?: number;
}

/**
 * Refuse to push the patched image over the image it was made from: the same repository and tag. Pure, so the
 * command can check it before any work.
 */
export function refuseSameImage(source: string, out: string | OutputSpec): void {
  const spec = typeof out === 'string' ? parseOutputReference(out) : out;
  if (spec.format !== 'registry') return;
  const input = parseSourceReference(source);
  if (input.transport !== 'registry') return;
  if (sameRepository(input.image, spec.image) && input.image.tag !== undefined && input.image.tag === spec.image.tag) {
    throw new GroutError('E_USAGE', `--out ${spec.reference} is the input image ${formatDockerReference(input.image)}: refusing to replace the image being patched`, {
      hint: `push the patched image under another tag, e.g. ${formatDockerReference({ domain: spec.image.domain, path: spec.image.path, tag: `${spec.image.tag}-patched` })}`,
    });
  }
}

function sameRepository(a: DockerReference, b: DockerReference): boolean {
  return a.domain === b.domain && a.path === b.path;
}

export async function pushPatchedImage(input: PushPatchedImageInput): Promise<PushedImage> {
  const { source, kept, out } = input;
  refuseSameImage(source.reference, out);
  const st = await stat(input.layer.file);
  if (st.size !== input.layer.size) throw new GroutError('E_INTERNAL', `${input.layer.file}: the patch layer is ${st.size} bytes, not ${input.layer.size}`);
  const repository = out.image.path;
  const mountFrom = source.origin !== undefined && source.origin.domain === out.image.domain && source.origin.path !== repository ? source.origin.path : undefined;
  const client = new RegistryClient(out.image.domain, input.registry ?? {});
  const counts: PushCounts = { uploaded: 0, mounted: 0, existing: 0 };
  const count = (outcome: BlobPushOutcome): void => {
    if (outcome === 'uploaded') counts.uploaded++;
    else if (outcome === 'mounted') counts.mounted++;
    else counts.existing++;
  };
  // Kept layers may mount from the source repository; the patch layer and config are new everywhere.
  const fresh = input.chunkSize !== undefined ? { chunkSize: input.chunkSize } : {};
  const options = { ...fresh, ...(mountFrom !== undefined ? { mountFrom } : {}) };
  try {
    const keptLayers = source.layers.slice(0, kept);
    const blobs = await Promise.all(keptLayers.map((layer) => storedBlob(source, layer)));
    const descriptors: LayerDescriptor[] = keptLayers.map((layer, i) => ({
      mediaType: ociLayerMediaType(layer.mediaType),
      digest: blobs[i]!.digest,
      size: layer.size,
      ...(Object.keys(layer.annotations).length ? { annotations: layer.annotations } : {}),
    }));
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: input.layer.digest, size: input.layer.size, annotations: patchLayerAnnotations });
    const limit = new Limit(3);
    const layerBlobs = [...blobs, fileBlob(input.layer.file, input.layer.digest, input.layer.size)];
    const outcomes = await Promise.all(layerBlobs.map((blob, i) => limit.run(() => pushBlob(client, repository, blob, i < blobs.length ? options : fresh))));
    outcomes.forEach(count);
    const config = patchedConfig(source, kept, input.layer.diffId, input.summary, input.created, input.groutVersion);
    const configBlob = bufferBlob(config);
    count(await pushBlob(client, repository, configBlob, fresh));
    const manifest = patchedManifest(source, config, descriptors, input.groutVersion, input.replacing);
    const manifestDigest = await pushManifest(client, repository, out.image.tag, manifest, OCI_MANIFEST);
    return { manifestDigest, configDigest: configBlob.digest, digestReference: `${out.image.domain}/${repository}@${manifestDigest}`, counts };
  } finally {
    client.close();
  }
}

/** A kept layer as stored, named by its digest (a legacy docker-archive layer's is computed by reading it). */
async function storedBlob(source: SourceImage, layer: SourceLayer): Promise<PushBlob> {
  const digest = layer.digest ?? (layer.compressed === 'none' ? layer.diffId : await hashStream(source.fs.stream(layer.path)));
  if (source.fs instanceof DirFs) return fileBlob(join(source.fs.root, layer.path), digest, layer.size);
  // Inside an archive: each range is cut out of a stream of the whole member.
  const fs = source.fs;
  return { digest, size: layer.size, open: (start, end) => fs.stream(layer.path).pipe(slice(start, end)) };
}

async function hashStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/** Pass bytes `[start, end)` of a stream through, drop the rest. */
function slice(start: number, end: number): Transform {
  let position = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const from = Math.max(0, start - position);
      const to = Math.min(chunk.length, end - position);
      position += chunk.length;
      callback(null, to > from ? chunk.subarray(from, to) : undefined);
    },
  });
}
