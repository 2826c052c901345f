import type { Inventory } from '../core/model.js';
import { shortDigest, textTable, truncate } from './text-table.js';

export interface ImageSummary {
  reference: string;
  transport: string;
  tags: string[];
  manifestDigest?: string;
  configDigest?: string;
  platform?: string;
  created?: string;
  distro?: { id: string; versionId?: string; prettyName?: string };
  layers: {
    index: number;
    diffId: string;
    digest?: string;
    mediaType?: string;
    size?: number;
    createdBy?: string;
    packages: string[];
  }[];
  packages: number;
  issues: number;
}

/** What `grout inspect` shows: the image's identity and platform, and each layer with the packages it brought. */
export function summariseImage(inventory: Inventory): ImageSummary {
  const { image } = inventory;
  const byLayer = new Map<number, string[]>();
  for (const p of inventory.packages) {
    const layer = p.locations[0]?.layer ?? 0;
    const list = byLayer.get(layer) ?? [];
    list.push(`${p.name}@${p.version}`);
    byLayer.set(layer, list);
  }
  const summary: ImageSummary = {
    reference: image.reference,
    transport: image.transport,
    tags: image.tags,
    layers: image.layers.map((l) => ({
      index: l.index,
      diffId: l.diffId,
      ...(l.digest ? { digest: l.digest } : {}),
      ...(l.mediaType ? { mediaType: l.mediaType } : {}),
      ...(l.size !== undefined ? { size: l.size } : {}),
      ...(l.createdBy !== undefined ? { createdBy: l.createdBy } : {}),
      packages: byLayer.get(l.index) ?? [],
    })),
    packages: inventory.packages.length,
    issues: inventory.issues.length,
  };
  if (image.manifestDigest) summary.manifestDigest = image.manifestDigest;
  if (image.configDigest) summary.configDigest = image.configDigest;
  if (image.os || image.architecture) summary.platform = [image.os, image.architecture, image.variant].filter(Boolean).join('/');
  if (image.created) summary.created = image.created;
  if (inventory.distro) {
    const { id, versionId, prettyName } = inventory.distro;
    summary.distro = { id, ...(versionId ? { versionId } : {}), ...(prettyName ? { prettyName } : {}) };
  }
  return summary;
}

export function encodeImageSummaryJson(summary: ImageSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

export function encodeImageSummaryText(summary: ImageSummary, options: { color?: boolean } = {}): string {
  const head = [
    `Reference:  ${summary.reference}`,
    ...(summary.tags.length ? [`Tags:       ${summary.tags.join(', ')}`] : []),
    ...(summary.manifestDigest ? [`Manifest:   ${summary.manifestDigest}`] : []),
    ...(summary.configDigest ? [`Config:     ${summary.configDigest}`] : []),
    `Platform:   ${summary.platform ?? 'unknown'}`,
    `Distro:     ${summary.distro ? (summary.distro.prettyName ?? `${summary.distro.id} ${summary.distro.versionId ?? ''}`) : 'unknown'}`,
    ...(summary.created ? [`Created:    ${summary.created}`] : []),
    `Packages:   ${summary.packages}${summary.issues ? ` (${summary.issues} issues)` : ''}`,
    '',
  ].join('\n');
  const rows = summary.layers.map((l) => [
    String(l.index),
    shortDigest(l.diffId),
    l.size === undefined ? '' : humanBytes(l.size),
    String(l.packages.length),
    truncate(l.createdBy ?? '', 70),
  ]);
  const table = textTable(['LAYER', 'DIFF ID', 'SIZE', 'PACKAGES', 'CREATED BY'], rows, { bold: options.color ?? false });
  const perLayer = summary.layers
    .filter((l) => l.packages.length > 0)
    .map((l) => `Layer ${l.index} packages: ${l.packages.join(' ')}`)
    .join('\n');
  return `${head}\n${table}${perLayer ? `\n${perLayer}\n` : ''}`;
}

export function humanBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
