import { createHash } from 'node:crypto';
import { parseDigest } from '../core/digest.js';
import { GroutError } from '../core/errors.js';
import type { ImageDescription, LayerRef } from '../core/model.js';
import { asArray, asObject, optionalString } from './json-blob.js';

/** What grout uses of an image config (OCI image spec `config.json`). */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  diffIds: string[];
  /** `created_by` per layer, aligned with diffIds (history entries with `empty_layer` skipped). */
  createdBy: (string | undefined)[];
  labels: Record<string, string>;
}

export function parseImageConfig(json: unknown, where: string): ImageConfig {
  const config = asObject(json, where, 'the image config');
  const rootfs = asObject(config['rootfs'], where, 'rootfs');
  const diffIds = asArray(rootfs['diff_ids'], where, 'rootfs.diff_ids').map((d, i) => {
    parseDigest(d, `${where} rootfs.diff_ids[${i}]`);
    return d as string;
  });
  const history = Array.isArray(config['history']) ? config['history'] : [];
  const createdBy: (string | undefined)[] = [];
  for (const entry of history) {
    if (typeof entry !== 'object' || entry === null) continue;
    const h = entry as Record<string, unknown>;
    if (h['empty_layer'] === true) continue;
    createdBy.push(optionalString(h['created_by']));
  }
  // History is optional and sometimes incomplete: only trust it when it lines up with the layers.
  const aligned = createdBy.length === diffIds.length ? createdBy : diffIds.map(() => undefined);
  const inner = typeof config['config'] === 'object' && config['config'] !== null ? (config['config'] as Record<string, unknown>) : {};
  const labels: Record<string, string> = {};
  if (typeof inner['Labels'] === 'object' && inner['Labels'] !== null) {
    for (const [k, v] of Object.entries(inner['Labels'] as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (typeof v === 'string') labels[k] = v;
    }
  }
  const out: ImageConfig = { diffIds, createdBy: aligned, labels };
  const os = optionalString(config['os']);
  const architecture = optionalString(config['architecture']);
  const variant = optionalString(config['variant']);
  const created = optionalString(config['created']);
  if (os) out.os = os;
  if (architecture) out.architecture = architecture;
  if (variant) out.variant = variant;
  if (created) out.created = created;
  return out;
}

export interface LayerDescriptorInfo {
  digest?: string;
  mediaType?: string;
  size?: number;
}

/** Build the image description and layer refs from a parsed config and the manifest's layer descriptors. */
export function describeImage(
  base: Pick<ImageDescription, 'reference' | 'transport' | 'tags'> & { manifestDigest?: string; configDigest?: string },
  config: ImageConfig,
  layers: LayerDescriptorInfo[],
  where: string,
): ImageDescription {
  if (layers.length !== config.diffIds.length) {
    throw new GroutError(
      'E_IMAGE_FORMAT',
      `${where}: the manifest lists ${layers.length} layers but the config has ${config.diffIds.length} diff_ids`,
      { file: where },
    );
  }
  const refs: LayerRef[] = layers.map((layer, index) => {
    const ref: LayerRef = { index, diffId: config.diffIds[index]! };
    if (layer.digest) ref.digest = layer.digest;
    if (layer.mediaType) ref.mediaType = layer.mediaType;
    if (layer.size !== undefined) ref.size = layer.size;
    const createdBy = config.createdBy[index];
    if (createdBy !== undefined) ref.createdBy = createdBy;
    return ref;
  });
  const description: ImageDescription = { ...base, tags: [...base.tags].sort(), layers: refs, labels: config.labels };
  if (config.os) description.os = config.os;
  if (config.architecture) description.architecture = config.architecture;
  if (config.variant) description.variant = config.variant;
  if (config.created) description.created = config.created;
  return description;
}

/** A stable pseudo digest for things that have no digest of their own (a rootfs directory). */
export function syntheticDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
