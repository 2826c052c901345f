/** The new config and manifest of a patched image. Pure: same inputs, same bytes. */
import { createHash } from 'node:crypto';
import type { SourceImage } from './source-image.js';
import { PATCH_HISTORY_PREFIX, PATCH_LAYER_ANNOTATION } from './source-image.js';

export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const BASE_DIGEST_ANNOTATION = 'org.opencontainers.image.base.digest';
export const VERSION_ANNOTATION = 'dev.grout.version';

export interface LayerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The source config with the kept layers' diff_ids plus the patch layer's, `created`, and one history entry. */
export function patchedConfig(source: SourceImage, kept: number, patchDiffId: string, summary: string, created: Date, groutVersion: string): Buffer {
  const config = structuredClone(source.config);
  const time = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  config['created'] = time;
  const rootfs = config['rootfs'] as Record<string, unknown>;
  rootfs['diff_ids'] = [...source.layers.slice(0, kept).map((l) => l.diffId), patchDiffId];
  const raw = Array.isArray(config['history']) ? (config['history'] as Record<string, unknown>[]) : [];
  let history = raw.filter((h) => typeof h === 'object' && h !== null);
  if (kept < source.layers.length) {
    // Drop the replaced patch layer's entry: the last one that made a layer.
    const last = history.map((h) => h['empty_layer'] !== true).lastIndexOf(true);
    if (last >= 0) history = history.filter((_, i) => i !== last);
  }
  const nonEmpty = history.filter((h) => h['empty_layer'] !== true).length;
  if (nonEmpty !== kept) {
    // History that does not line up with the layers is replaced by plain entries, so the new one lines up.
    history = source.layers.slice(0, kept).map(() => ({ created_by: '' }));
  }
  history.push({ created: time, created_by: `${PATCH_HISTORY_PREFIX} ${summary}`, comment: `grout ${groutVersion}` });
  config['history'] = history;
  return Buffer.from(JSON.stringify(config));
}

const DOCKER_TO_OCI: Record<string, string> = {
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar': 'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.docker.image.rootfs.diff.tar.zstd': 'application/vnd.oci.image.layer.v1.tar+zstd',
};

export function ociLayerMediaType(mediaType: string): string {
  return DOCKER_TO_OCI[mediaType] ?? mediaType;
}

/** An OCI manifest naming the config and layers, with the base image digest and grout's version. */
export function patchedManifest(source: SourceImage, config: Buffer, layers: LayerDescriptor[], groutVersion: string, replacing: boolean): Buffer {
  // Re-patching keeps the first base digest: the image the first patch was made from.
  const base = replacing ? (source.annotations[BASE_DIGEST_ANNOTATION] ?? source.manifestDigest) : source.manifestDigest;
  const annotations: Record<string, string> = { ...source.annotations, [VERSION_ANNOTATION]: groutVersion };
  if (base !== undefined) annotations[BASE_DIGEST_ANNOTATION] = base;
  else delete annotations[BASE_DIGEST_ANNOTATION];
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size, ...(l.annotations ? { annotations: l.annotations } : {}) })),
    annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  return Buffer.from(JSON.stringify(manifest));
}

export const patchLayerAnnotations = { [PATCH_LAYER_ANNOTATION]: 'true' };
