import { parseDigest } from '../core/digest.js';
import { GroutError } from '../core/errors.js';
import type { ImageDescription } from '../core/model.js';
import { describeImage, type ImageConfig } from './image-config.js';
import { asArray, asObject, optionalString } from './json-blob.js';
import { formatPlatform, hostPlatform, platformMatches, type Platform } from './platform.js';

/**
 * Manifests and indexes (OCI image spec and Docker v2 schema 2), shared by every source that has them: the OCI
 * layout reader and the registry client parse, choose and describe with these same functions.
 */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations: Record<string, string>;
}

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export const INDEX_TYPES: ReadonlySet<string> = new Set([OCI_INDEX, DOCKER_MANIFEST_LIST]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set([OCI_MANIFEST, DOCKER_MANIFEST]);

/** Docker schema 1 manifests (signed or not): retired, and without a config grout could read. */
const SCHEMA1 = /^application\/vnd\.docker\.distribution\.manifest\.v1\+(pretty)?jws|^application\/vnd\.docker\.distribution\.manifest\.v1\+json/;

export type ManifestKind = 'index' | 'manifest';

/**
 * Is this JSON an index or an image manifest? The media type comes from the descriptor or the HTTP
 * Content-Type when known, else from the document; documents without one are told apart by their shape.
 */
export function manifestKind(json: Record<string, unknown>, declaredType: string, where: string): ManifestKind {
  const mediaType = declaredType || optionalString(json['mediaType']) || '';
  if (SCHEMA1.test(mediaType) || json['schemaVersion'] === 1) {
    throw new GroutError('E_IMAGE_FORMAT', `${where}: Docker schema 1 manifests are not supported`, {
      file: where,
      hint: 'push the image again with a current client (it writes schema 2 or OCI)',
    });
  }
  if (INDEX_TYPES.has(mediaType) || (!MANIFEST_TYPES.has(mediaType) && Array.isArray(json['manifests']))) return 'index';
  if (MANIFEST_TYPES.has(mediaType) || Array.isArray(json['layers'])) return 'manifest';
  throw new GroutError('E_IMAGE_FORMAT', `${where}: unsupported manifest media type ${JSON.stringify(mediaType)}`, { file: where });
}

export function parseIndex(json: unknown, where: string): Descriptor[] {
  const index = asObject(json, where, 'the index');
  return asArray(index['manifests'], where, 'manifests').map((m, i) => parseDescriptor(m, `${where} manifests[${i}]`));
}

export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

export function parseImageManifest(json: Record<string, unknown>, where: string): ImageManifest {
  const config = parseDescriptor(json['config'], `${where} config`);
  const layers = asArray(json['layers'], where, 'layers').map((l, i) => parseDescriptor(l, `${where} layers[${i}]`));
  return { config, layers };
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

/** A manifest named directly (not through an index) must still be for the platform asked for, when one was. */
export function checkConfigPlatform(config: ImageConfig, wanted: Platform | undefined, where: string): void {
  if (wanted && config.os && config.architecture && !platformMatches(wanted, { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) })) {
    throw new GroutError('E_PLATFORM', `${where}: the image is ${formatPlatform(config)}, not ${formatPlatform(wanted)}`);
  }
}

/** The image description for a manifest and its parsed config. */
export function describeManifest(
  base: Pick<ImageDescription, 'reference' | 'transport' | 'tags'> & { manifestDigest: string },
  manifest: ImageManifest,
  config: ImageConfig,
  where: string,
): ImageDescription {
  const infos = manifest.layers.map((d) => ({ digest: d.digest, mediaType: d.mediaType, ...(d.size !== undefined ? { size: d.size } : {}) }));
  return describeImage({ ...base, configDigest: manifest.config.digest }, config, infos, where);
}
