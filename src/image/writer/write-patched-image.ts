/**
 * Writing a patched image: the source's layers untouched, minus a previous grout patch layer, plus the new one;
 * a new config (diff_ids, history `grout fix: …`, created) and manifest (base digest, grout version, the patch
 * layer marked). Written to a temporary sibling and renamed into place; the input is never written to.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GroutError } from '../../core/errors.js';
import type { Platform } from '../platform.js';
import { OCI_MANIFEST, ociLayerMediaType, patchedConfig, patchedManifest, patchLayerAnnotations, type LayerDescriptor } from './image-json.js';
import type { RegistrySourceOptions } from '../registry/registry-source.js';
import { parseOutputReference, type FileOutputSpec, type OutputSpec } from './output-reference.js';
import { pushPatchedImage, refuseSameImage, type PushCounts } from './push-patched-image.js';
import { keptLayerCount, readSourceImage, type SourceImage } from './source-image.js';
import { blobFile, copyBlob, copyLocalFile, packDirectory, writeBlob, writeUncompressed } from './stage-files.js';

export interface PatchLayerBlob {
  /** The gzip'd layer tar on disk. */
  file: string;
  diffId: string;
  digest: string;
  size: number;
}

export interface WritePatchedImageInput {
  /** The image being patched: `docker-archive:…`, `oci:…`, `oci-archive:…` or a registry reference. */
  source: string;
  platform?: Platform;
  layer: PatchLayerBlob;
  /** `oci:dir[:tag]`, `oci-archive:file[:tag]`, `docker-archive:file[:repo:tag]`, or `host/repo:tag` to push to. */
  out: string | OutputSpec;
  /** Credentials, CA and TLS for a registry source or output. */
  registry?: RegistrySourceOptions;
  /** Goes into the history entry: `grout fix: <summary>`. */
  summary: string;
  created: Date;
  groutVersion: string;
}

export interface WrittenPatchedImage {
  format: OutputSpec['format'];
  /** The file or directory written, or the `host/repo:tag` pushed. */
  path: string;
  manifestDigest: string;
  configDigest: string;
  layerCount: number;
  /** A previous grout patch layer was dropped. */
  replacedPatchLayer: boolean;
  tag?: string;
  /** A pushed image: `host/repo@sha256:…`, and how many blobs were uploaded, mounted, or already there. */
  pushed?: { reference: string } & PushCounts;
}

/**
 * Write the patched image.
 *
 * @example
 * await writePatchedImage({ source: 'oci:./app:1', layer, out: 'oci:./patched:1', summary: 'zlib1g 1:1.2.13…', created, groutVersion });
 */
export async function writePatchedImage(input: WritePatchedImageInput): Promise<WrittenPatchedImage> {
  const out = typeof input.out === 'string' ? parseOutputReference(input.out) : input.out;
  refuseSameImage(input.source, out);
  const source = await readSourceImage(input.source, input.platform, input.registry);
  const kept = keptLayerCount(source);
  const replacing = kept < source.layers.length;
  if (out.format === 'registry') {
    const pushed = await pushPatchedImage({ source, kept, replacing, layer: input.layer, out, summary: input.summary, created: input.created, groutVersion: input.groutVersion, ...(input.registry ? { registry: input.registry } : {}) });
    return {
      format: 'registry',
      path: out.reference,
      manifestDigest: pushed.manifestDigest,
      configDigest: pushed.configDigest,
      layerCount: kept + 1,
      replacedPatchLayer: replacing,
      tag: out.image.tag,
      pushed: { reference: pushed.digestReference, ...pushed.counts },
    };
  }
  if (source.origin === undefined) await refuseInput(source.location, out.path);
  const target = resolve(out.path);
  await mkdir(dirname(target), { recursive: true });
  const stage = await mkdtemp(join(dirname(target), `.${basename(target)}.grout-`));
  try {
    const staged = await stageImage(stage, source, kept, replacing, input, out);
    if (out.format === 'oci') await replaceDirectory(stage, target);
    else {
      const archive = `${stage}.tar`;
      try {
        await packDirectory(stage, archive);
        await rename(archive, target);
      } finally {
        await rm(archive, { force: true });
      }
    }
    return { format: out.format, path: target, ...staged, layerCount: kept + 1, replacedPatchLayer: replacing, ...(out.tag !== undefined ? { tag: out.tag } : {}) };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function stageImage(
  stage: string,
  source: SourceImage,
  kept: number,
  replacing: boolean,
  input: WritePatchedImageInput,
  out: FileOutputSpec,
): Promise<{ manifestDigest: string; configDigest: string }> {
  const uncompressed = out.format === 'docker-archive';
  const descriptors: LayerDescriptor[] = [];
  const layerPaths: string[] = [];
  for (const layer of source.layers.slice(0, kept)) {
    if (uncompressed) {
      const file = blobFile(stage, layer.diffId);
      const size = await writeUncompressed(() => source.fs.stream(layer.path), layer.compressed, layer.diffId, `${source.fs.name}:${layer.path}`, file);
      descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.diffId, size });
      layerPaths.push(`blobs/sha256/${layer.diffId.slice(7)}`);
    } else {
      // A docker-archive source's layers are named by path, not digest: an uncompressed one's digest is its diffId.
      const digest = layer.digest ?? (layer.compressed === 'none' ? layer.diffId : undefined);
      if (digest === undefined) {
        const file = blobFile(stage, layer.diffId);
        const size = await writeUncompressed(() => source.fs.stream(layer.path), layer.compressed, layer.diffId, `${source.fs.name}:${layer.path}`, file);
        descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.diffId, size });
      } else {
        await copyBlob(source.fs, layer.path, digest, blobFile(stage, digest));
        descriptors.push({ mediaType: ociLayerMediaType(layer.mediaType), digest, size: layer.size, ...(Object.keys(layer.annotations).length ? { annotations: layer.annotations } : {}) });
      }
    }
  }
  if (uncompressed) {
    const file = blobFile(stage, input.layer.diffId);
    const size = await writeUncompressed(() => createReadStream(input.layer.file), 'gzip', input.layer.diffId, input.layer.file, file);
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: input.layer.diffId, size, annotations: patchLayerAnnotations });
    layerPaths.push(`blobs/sha256/${input.layer.diffId.slice(7)}`);
  } else {
    const st = await stat(input.layer.file);
    if (st.size !== input.layer.size) throw new GroutError('E_INTERNAL', `${input.layer.file}: the patch layer is ${st.size} bytes, not ${input.layer.size}`);
    await copyLocalFile(input.layer.file, blobFile(stage, input.layer.digest));
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: input.layer.digest, size: input.layer.size, annotations: patchLayerAnnotations });
  }
  const config = patchedConfig(source, kept, input.layer.diffId, input.summary, input.created, input.groutVersion);
  const configDigest = await writeBlob(stage, config);
  const manifest = patchedManifest(source, config, descriptors, input.groutVersion, replacing);
  const manifestDigest = await writeBlob(stage, manifest);
  const tag = out.tag ?? defaultTag(source, out.format);
  const refName = tag === undefined ? undefined : out.format === 'docker-archive' ? tag.slice(tag.lastIndexOf(':') + 1) : tag;
  const annotations: Record<string, string> = {};
  if (refName !== undefined) annotations['org.opencontainers.image.ref.name'] = refName;
  if (out.format === 'docker-archive' && tag !== undefined) annotations['io.containerd.image.name'] = tag.includes('/') || !tag.includes(':') ? tag : `docker.io/library/${tag}`;
  await writeFile(join(stage, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(stage, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length, ...(Object.keys(annotations).length ? { annotations } : {}) }] }),
  );
  if (out.format === 'docker-archive') {
    const entry = { Config: `blobs/sha256/${configDigest.slice(7)}`, RepoTags: tag === undefined ? [] : [tag], Layers: layerPaths };
    await writeFile(join(stage, 'manifest.json'), JSON.stringify([entry]));
  }
  return { manifestDigest, configDigest };
}

/** Without a tag in the output reference: the source's own (a RepoTag for docker-archive, ref.name for OCI). */
function defaultTag(source: SourceImage, format: FileOutputSpec['format']): string | undefined {
  if (format === 'docker-archive') return source.tags.find((t) => t.includes(':'));
  return source.tags.find((t) => !t.includes(':')) ?? source.tags.map((t) => t.slice(t.lastIndexOf(':') + 1))[0];
}

/** Refuse to write over the source or inside it (or to put the source inside the output). */
async function refuseInput(location: string, outPath: string): Promise<void> {
  const real = async (p: string): Promise<string> => realpath(p).catch(async () => join(await realpath(dirname(resolve(p))).catch(() => dirname(resolve(p))), basename(p)));
  const input = await real(location);
  const output = await real(outPath);
  const inside = (a: string, b: string): boolean => {
    const rel = relative(b, a);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  };
  if (inside(output, input) || inside(input, output)) {
    throw new GroutError('E_USAGE', `${outPath}: refusing to write the patched image over its input ${location}`, {
      hint: 'write it to a new path; the input image is never changed',
    });
  }
}

/** Put a staged directory at `target`, replacing what was there only once the new one is complete. */
async function replaceDirectory(stage: string, target: string): Promise<void> {
  const old = await stat(target).catch(() => undefined);
  if (old === undefined) {
    await rename(stage, target);
    await mkdir(stage); // the caller removes the (now empty) stage path
    return;
  }
  const aside = `${stage}.old`;
  await rename(target, aside);
  await rename(stage, target);
  await mkdir(stage);
  await rm(aside, { recursive: true, force: true });
}
