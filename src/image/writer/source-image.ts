/**
 * The source image as stored, for rewriting: its config JSON, its layer blobs (as bytes on disk, never changed)
 * and its manifest digest. docker-archive, OCI layout and OCI archive sources, and registry images (their blobs
 * fetched into the blob cache).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { GroutError } from '../../core/errors.js';
import { DirFs, TarFs, type BlobFs } from '../blob-fs.js';
import { asArray, asObject, optionalString, parseJson, readJsonBlob } from '../json-blob.js';
import { choosePlatform, parseDescriptor, parseIndex, type Descriptor } from '../manifest.js';
import { blobPath } from '../oci-layout.js';
import type { Platform } from '../platform.js';
import { parseSourceReference } from '../reference.js';
import type { DockerReference } from '../registry/docker-reference.js';
import type { RegistrySourceOptions } from '../registry/registry-source.js';
import { fetchStoredImage } from '../registry/stored-image.js';

export const PATCH_LAYER_ANNOTATION = 'dev.grout.patch-layer';
export const PATCH_HISTORY_PREFIX = 'grout fix:';

export interface SourceLayer {
  /** Path of the blob inside the source container (`fs`). */
  path: string;
  diffId: string;
  /** The stored blob's digest, when the source names it. */
  digest?: string;
  /** Stored compression: from the media type or the blob's first bytes. */
  compressed: 'gzip' | 'zstd' | 'none';
  mediaType: string;
  size: number;
  annotations: Record<string, string>;
}

export interface SourceImage {
  reference: string;
  /** Files on disk the source consists of (directory or archive), for the refuse-to-overwrite check. */
  location: string;
  fs: BlobFs;
  config: Record<string, unknown>;
  layers: SourceLayer[];
  manifestDigest?: string;
  /** Manifest annotations of an OCI source. */
  annotations: Record<string, string>;
  /** RepoTags of a docker-archive entry; the ref.name of an OCI one. */
  tags: string[];
  /** Where a registry source lives: a push to the same registry mounts its layers instead of uploading them. */
  origin?: DockerReference;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Open `reference` (docker-archive:, oci:, oci-archive:, or a registry reference) for rewriting. */
export async function readSourceImage(reference: string, platform?: Platform, registry?: RegistrySourceOptions): Promise<SourceImage> {
  const spec = parseSourceReference(reference);
  if (spec.transport === 'rootfs') {
    throw new GroutError('E_USAGE', `${reference}: a patched image can be written from docker-archive:, oci:, oci-archive: or registry sources, not a root file system`);
  }
  if (spec.transport === 'registry') return readRegistry(reference, spec.image, platform, registry ?? {});
  const st = await stat(spec.path).catch(() => undefined);
  if (st === undefined) throw new GroutError('E_IMAGE_NOT_FOUND', `${spec.path}: no such file or directory`, { file: spec.path });
  const fs: BlobFs = spec.transport === 'oci' ? new DirFs(spec.path) : await TarFs.open(spec.path);
  if (spec.transport === 'docker-archive') return readDockerArchive(fs, reference, spec.path, spec.tag, spec.index);
  return readOci(fs, reference, spec.path, spec.tag, spec.digest, platform);
}

async function readOci(fs: BlobFs, reference: string, location: string, tag: string | undefined, digest: string | undefined, platform: Platform | undefined): Promise<SourceImage> {
  const top = parseIndex(await readJsonBlob(fs, 'index.json'), `${fs.name}:index.json`);
  let chosen: Descriptor | undefined;
  if (digest !== undefined) chosen = top.find((d) => d.digest === digest) ?? { mediaType: '', digest, annotations: {} };
  else if (tag !== undefined) chosen = top.find((d) => d.annotations['org.opencontainers.image.ref.name'] === tag);
  else if (top.length === 1) chosen = top[0];
  if (chosen === undefined) throw new GroutError('E_IMAGE_NOT_FOUND', `${fs.name}: no image ${tag !== undefined ? `tagged ${JSON.stringify(tag)}` : 'chosen (name one with :tag)'}`);
  const refName = chosen.annotations['org.opencontainers.image.ref.name'] ?? tag;
  for (let depth = 0; ; depth += 1) {
    if (depth > 4) throw new GroutError('E_IMAGE_FORMAT', `${fs.name}: indexes nested too deeply`, { file: fs.name });
    const path = blobPath(chosen.digest, fs.name);
    const where = `${fs.name}:${path}`;
    const json = asObject(await readJsonBlob(fs, path, chosen.digest), where, 'the manifest');
    if (Array.isArray(json['manifests'])) {
      chosen = choosePlatform(parseIndex(json, where), platform, where);
      continue;
    }
    const config = parseDescriptor(json['config'], `${where} config`);
    const configJson = asObject(await readJsonBlob(fs, blobPath(config.digest, where), config.digest), where, 'the config');
    const diffIds = diffIdsOf(configJson, where);
    const descriptors = asArray(json['layers'], where, 'layers').map((l, i) => parseDescriptor(l, `${where} layers[${i}]`));
    if (descriptors.length !== diffIds.length) throw new GroutError('E_IMAGE_FORMAT', `${where}: ${descriptors.length} layers but ${diffIds.length} diff_ids`, { file: where });
    const layers = await Promise.all(
      descriptors.map(async (d, i) => {
        const blob = blobPath(d.digest, where);
        return { path: blob, diffId: diffIds[i]!, digest: d.digest, compressed: await compressionOf(fs, blob, d.mediaType), mediaType: d.mediaType, size: await fs.size(blob), annotations: d.annotations };
      }),
    );
    const annotations: Record<string, string> = {};
    const raw = json['annotations'];
    if (typeof raw === 'object' && raw !== null) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') annotations[k] = v;
    return { reference, location, fs, config: configJson, layers, manifestDigest: chosen.digest, annotations, tags: refName === undefined ? [] : [refName] };
  }
}

async function readRegistry(reference: string, image: DockerReference, platform: Platform | undefined, options: RegistrySourceOptions): Promise<SourceImage> {
  const stored = await fetchStoredImage(image, options, platform);
  const where = `${image.domain}/${image.path}@${stored.manifestDigest}`;
  const config = asObject(parseJson(stored.config, `${where} config`), `${where} config`, 'the config');
  const diffIds = diffIdsOf(config, `${where} config`);
  if (stored.layers.length !== diffIds.length) throw new GroutError('E_IMAGE_FORMAT', `${where}: ${stored.layers.length} layers but ${diffIds.length} diff_ids`);
  // The blob cache is one flat directory of files named by their hex digest.
  const fs = new DirFs(dirname(stored.cache.pathOf(stored.configDigest)));
  const layers = await Promise.all(
    stored.layers.map(async ({ descriptor, size, file }, i) => {
      const path = basename(file);
      return { path, diffId: diffIds[i]!, digest: descriptor.digest, compressed: await compressionOf(fs, path, descriptor.mediaType), mediaType: descriptor.mediaType, size, annotations: descriptor.annotations };
    }),
  );
  const tags = image.tag !== undefined ? [image.tag] : [];
  return { reference, location: reference, fs, config, layers, manifestDigest: stored.manifestDigest, annotations: stored.annotations, tags, origin: image };
}

async function readDockerArchive(fs: BlobFs, reference: string, location: string, tag: string | undefined, index: number | undefined): Promise<SourceImage> {
  const where = `${fs.name}:manifest.json`;
  const entries = asArray(await readJsonBlob(fs, 'manifest.json'), where, 'manifest.json').map((e) => asObject(e, where, 'an image entry'));
  const entry =
    index !== undefined
      ? entries[index]
      : tag !== undefined
        ? entries.find((e) => Array.isArray(e['RepoTags']) && e['RepoTags'].some((t) => t === tag || (typeof t === 'string' && t.endsWith(`/${tag}`))))
        : entries.length === 1
          ? entries[0]
          : undefined;
  if (entry === undefined) throw new GroutError('E_IMAGE_NOT_FOUND', `${fs.name}: no such image in the archive (name one with :repo:tag or @N)`, { file: fs.name });
  const configPath = optionalString(entry['Config']);
  if (configPath === undefined) throw new GroutError('E_IMAGE_FORMAT', `${where}: Config is missing`, { file: where });
  const configDigest = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(configPath)?.[1] ?? /^([0-9a-f]{64})\.json$/.exec(configPath)?.[1];
  const config = asObject(await readJsonBlob(fs, configPath, configDigest ? `sha256:${configDigest}` : undefined), `${fs.name}:${configPath}`, 'the config');
  const diffIds = diffIdsOf(config, `${fs.name}:${configPath}`);
  const paths = asArray(entry['Layers'], where, 'Layers').map((l) => {
    if (typeof l !== 'string') throw new GroutError('E_IMAGE_FORMAT', `${where}: a layer path is not a string`, { file: where });
    return l;
  });
  if (paths.length !== diffIds.length) throw new GroutError('E_IMAGE_FORMAT', `${where}: ${paths.length} layers but ${diffIds.length} diff_ids`, { file: where });
  const layers = await Promise.all(
    paths.map(async (path, i) => {
      const named = /^blobs\/(sha256)\/([0-9a-f]{64})$/.exec(path);
      const compressed = await compressionOf(fs, path, '');
      return {
        path,
        diffId: diffIds[i]!,
        ...(named ? { digest: `sha256:${named[2]}` } : {}),
        compressed,
        mediaType: compressed === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : compressed === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : 'application/vnd.oci.image.layer.v1.tar',
        size: await fs.size(path),
        annotations: {},
      };
    }),
  );
  const tags = Array.isArray(entry['RepoTags']) ? entry['RepoTags'].filter((t): t is string => typeof t === 'string') : [];
  return { reference, location, fs, config, layers, annotations: {}, tags };
}

function diffIdsOf(config: Record<string, unknown>, where: string): string[] {
  const rootfs = asObject(config['rootfs'], where, 'rootfs');
  return asArray(rootfs['diff_ids'], where, 'rootfs.diff_ids').map((d) => {
    if (typeof d !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d)) throw new GroutError('E_IMAGE_FORMAT', `${where}: invalid diff_id ${JSON.stringify(d)}`, { file: where });
    return d;
  });
}

async function compressionOf(fs: BlobFs, path: string, mediaType: string): Promise<'gzip' | 'zstd' | 'none'> {
  const head = await fs.head(path, 4);
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (mediaType.endsWith('gzip') || mediaType.endsWith('zstd')) return mediaType.endsWith('zstd') ? 'zstd' : 'gzip';
  return 'none';
}

/**
 * How many bottom layers the patched image keeps: all of them, or all but the last when that one is a previous
 * grout patch layer (its descriptor annotation says so, or the last history entry is `grout fix: …`).
 */
export function keptLayerCount(source: Pick<SourceImage, 'layers' | 'config'>): number {
  const last = source.layers.at(-1);
  if (last === undefined) return 0;
  if (last.annotations[PATCH_LAYER_ANNOTATION] === 'true') return source.layers.length - 1;
  const history = Array.isArray(source.config['history']) ? (source.config['history'] as unknown[]) : [];
  const lastLayerEntry = [...history].reverse().find((h) => typeof h === 'object' && h !== null && (h as Record<string, unknown>)['empty_layer'] !== true) as Record<string, unknown> | undefined;
  const createdBy = lastLayerEntry?.['created_by'];
  return typeof createdBy === 'string' && createdBy.startsWith(PATCH_HISTORY_PREFIX) ? source.layers.length - 1 : source.layers.length;
}

export { OCI_MANIFEST };
