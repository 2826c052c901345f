import { parseDigest } from '../core/digest.js';
import { GroutError } from '../core/errors.js';
import type { ImageDescription } from '../core/model.js';
import type { BlobFs } from './blob-fs.js';
import { describeImage, parseImageConfig, type LayerDescriptorInfo } from './image-config.js';
import { asArray, asObject, optionalString, readJsonBlob } from './json-blob.js';
import { formatPlatform, hostPlatform, platformMatches, type Platform } from './platform.js';
import { readTarLayer } from './tar-layer.js';
import type { LayerHandle, OpenedImage } from './source.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations: Record<string, string>;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Selector {
  tag?: string;
  digest?: string;
}

export function blobPath(digest: string, where: string): string {
  const { algorithm, hex } = parseDigest(digest, where);
  return `blobs/${algorithm}/${hex}`;
}

/**
 * Open the image an OCI image layout (a directory, or the same as a tar) points at: index.json → (nested
 * indexes, platform choice) → manifest → config and layers. Every blob read is digest-verified.
 */
export async function openOciLayout(
  fs: BlobFs,
  selector: Selector,
  meta: { reference: string; transport: 'oci' | 'oci-archive' },
  wanted: Platform | undefined,
): Promise<OpenedImage> {
  if (!(await fs.has('index.json'))) {
    throw new GroutError('E_IMAGE_FORMAT', `${fs.name} is not an OCI image layout: index.json is missing`, {
      file: fs.name,
      hint: 'point oci: at the directory that holds oci-layout and index.json',
    });
  }
  const top = parseIndex(await readJsonBlob(fs, 'index.json'), `${fs.name}:index.json`);
  const chosen = chooseTop(top, selector, fs.name);
  const tags = chosen.annotations[REF_NAME] ? [chosen.annotations[REF_NAME]] : [];
  const manifest = await resolveManifest(fs, chosen, wanted, 0);
  return openManifest(fs, manifest, { ...meta, tags }, wanted);
}

function chooseTop(descriptors: Descriptor[], selector: Selector, name: string): Descriptor {
  if (selector.digest) {
    const found = descriptors.find((d) => d.digest === selector.digest);
    if (found) return found;
    // Any manifest blob in the layout may be named by digest (e.g. one platform of an index).
    return { mediaType: '', digest: selector.digest, annotations: {} };
  }
  if (selector.tag) {
    const found = descriptors.filter((d) => d.annotations[REF_NAME] === selector.tag);
    if (found.length > 0) return found[0]!;
    throw new GroutError('E_IMAGE_NOT_FOUND', `${name}: no image tagged ${JSON.stringify(selector.tag)}`, {
      hint: listTags(descriptors),
    });
  }
  if (descriptors.length === 1) return descriptors[0]!;
  if (descriptors.length === 0) throw new GroutError('E_IMAGE_FORMAT', `${name}: index.json lists no images`, { file: name });
  throw new GroutError('E_USAGE', `${name} holds ${descriptors.length} images; name one with :tag or @sha256:…`, {
    hint: listTags(descriptors),
  });
}

function listTags(descriptors: Descriptor[]): string {
  const names = descriptors.map((d) => d.annotations[REF_NAME] ?? d.digest);
  return `available: ${names.join(', ')}`;
}

interface ResolvedManifest {
  descriptor: Descriptor;
  json: Record<string, unknown>;
  where: string;
}

async function resolveManifest(fs: BlobFs, descriptor: Descriptor, wanted: Platform | undefined, depth: number): Promise<ResolvedManifest> {
  if (depth > 4) throw new GroutError('E_IMAGE_FORMAT', `${fs.name}: indexes nested too deeply`, { file: fs.name });
  const path = blobPath(descriptor.digest, `${fs.name}:index.json`);
  const where = `${fs.name}:${path}`;
  if (!(await fs.has(path))) {
    throw new GroutError('E_IMAGE_NOT_FOUND', `${fs.name}: no manifest ${descriptor.digest}`, { file: where });
  }
  const json = asObject(await readJsonBlob(fs, path, descriptor.digest), where, 'the manifest');
  const mediaType = descriptor.mediaType || optionalString(json['mediaType']) || (Array.isArray(json['manifests']) ? INDEX_TYPES.values().next().value! : '');
  if (INDEX_TYPES.has(mediaType) || Array.isArray(json['manifests'])) {
    const children = parseIndex(json, where);
    return resolveManifest(fs, choosePlatform(children, wanted, where), wanted, depth + 1);
  }
  if (!MANIFEST_TYPES.has(mediaType) && !Array.isArray(json['layers'])) {
    throw new GroutError('E_IMAGE_FORMAT', `${where}: unsupported manifest media type ${JSON.stringify(mediaType)}`, { file: where });
  }
  return { descriptor, json, where };
}

/** Pick the manifest for a platform from an index, or explain what exists. */
export function choosePlatform(children: Descriptor[], wanted: Platform | undefined, where: string): Descriptor {
  const images = children.filter((d) => !isAttestation(d));
  const target = wanted ?? hostPlatform();
  const match = images.find((d) => d.platform && platformMatches(target, d.platform));
  if (match) return match;
  if (!wanted && images.length === 1) return images[0]!;
  const available = images.map((d) => (d.platform ? formatPlatform(d.platform) : d.digest)).join(', ');
  throw new GroutError('E_PLATFORM', `${where}: no image for platform ${formatPlatform(target)}`, {
    hint: `available: ${available || 'none'}; choose one with --platform`,
  });
}

function isAttestation(d: Descriptor): boolean {
  return d.annotations['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

export function parseIndex(json: unknown, where: string): Descriptor[] {
  const index = asObject(json, where, 'the index');
  return asArray(index['manifests'], where, 'manifests').map((m, i) => parseDescriptor(m, `${where} manifests[${i}]`));
}

export function parseDescriptor(value: unknown, where: string): Descriptor {
  const d = asObject(value, where, 'the descriptor');
  const digest = d['digest'];
  parseDigest(digest, where);
  const out: Descriptor = { mediaType: optionalString(d['mediaType']) ?? '', digest: digest as string, annotations: {} };
  if (typeof d['size'] === 'number' && Number.isSafeInteger(d['size']) && d['size'] >= 0) out.size = d['size'];
  if (typeof d['platform'] === 'object' && d['platform'] !== null) {
    const p = d['platform'] as Record<string, unknown>;
    out.platform = {};
    const os = optionalString(p['os']);
    const architecture = optionalString(p['architecture']);
    const variant = optionalString(p['variant']);
    if (os) out.platform.os = os;
    if (architecture) out.platform.architecture = architecture;
    if (variant) out.platform.variant = variant;
  }
  if (typeof d['annotations'] === 'object' && d['annotations'] !== null) {
    for (const [k, v] of Object.entries(d['annotations'] as Record<string, unknown>)) if (typeof v === 'string') out.annotations[k] = v;
  }
  return out;
}

async function openManifest(
  fs: BlobFs,
  manifest: ResolvedManifest,
  meta: { reference: string; transport: 'oci' | 'oci-archive'; tags: string[] },
  wanted: Platform | undefined,
): Promise<OpenedImage> {
  const { json, where } = manifest;
  const configDescriptor = parseDescriptor(json['config'], `${where} config`);
  const layerDescriptors = asArray(json['layers'], where, 'layers').map((l, i) => parseDescriptor(l, `${where} layers[${i}]`));
  const configPath = blobPath(configDescriptor.digest, where);
  const config = parseImageConfig(await readJsonBlob(fs, configPath, configDescriptor.digest), `${fs.name}:${configPath}`);
  if (wanted && config.os && config.architecture && !platformMatches(wanted, { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) })) {
    throw new GroutError('E_PLATFORM', `${where}: the image is ${formatPlatform(config)}, not ${formatPlatform(wanted)}`);
  }
  const infos: LayerDescriptorInfo[] = layerDescriptors.map((d) => ({ digest: d.digest, mediaType: d.mediaType, ...(d.size !== undefined ? { size: d.size } : {}) }));
  const description: ImageDescription = describeImage(
    { ...meta, manifestDigest: manifest.descriptor.digest, configDigest: configDescriptor.digest },
    config,
    infos,
    where,
  );
  const layers: LayerHandle[] = description.layers.map((ref) => {
    const path = blobPath(ref.digest!, where);
    const name = `${fs.name}:${path}`;
    return {
      ref,
      async *entries(signal?: AbortSignal) {
        if (!(await fs.has(path))) {
          throw new GroutError('E_IMAGE_FORMAT', `${name}: layer blob is missing`, { file: name });
        }
        const head = await fs.head(path, 512);
        yield* readTarLayer(
          { name, head, ...(ref.mediaType ? { mediaType: ref.mediaType } : {}), open: () => fs.stream(path), blobDigest: ref.digest! },
          signal,
        );
      },
    };
  });
  return { description, layers, close: async () => {} };
}
