import { GroutError } from '../core/errors.js';
import type { Inventory } from '../core/model.js';
import { encodeInventoryJson, encodeInventoryTable, inventoryJsonChunks } from '../report/index.js';
import { encodeCycloneDx, encodeSpdx } from '../sbom/index.js';
import { GROUT_VERSION } from '../grout-version.js';
import { inventory, type InventoryOptions } from './inventory.js';

export const SBOM_FORMATS = ['cyclonedx', 'spdx', 'json', 'table'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export function isSbomFormat(value: string): value is SbomFormat {
  return (SBOM_FORMATS as readonly string[]).includes(value);
}

/** Encode an inventory in one of the SBOM formats. */
export function encodeInventory(inv: Inventory, format: SbomFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case 'cyclonedx':
      return encodeCycloneDx(inv, { toolVersion: GROUT_VERSION });
    case 'spdx':
      return encodeSpdx(inv, { toolVersion: GROUT_VERSION });
    case 'json':
      return encodeInventoryJson(inv);
    case 'table':
      return encodeInventoryTable(inv, options);
  }
}

/** The same text in pieces where a format is written as it is made (json), else whole. */
export function encodeInventoryPieces(inv: Inventory, format: SbomFormat, options: { color?: boolean } = {}): Iterable<string> {
  return format === 'json' ? inventoryJsonChunks(inv) : [encodeInventory(inv, format, options)];
}

/**
 * The SBOM of an image as text.
 *
 * @example
 * import { sbom } from 'grout';
 * const cdx = await sbom('docker-archive:app.tar', { format: 'cyclonedx' });
 */
export async function sbom(source: string, options: InventoryOptions & { format?: SbomFormat } = {}): Promise<string> {
  const format = options.format ?? 'cyclonedx';
  if (!isSbomFormat(format)) throw new GroutError('E_USAGE', `unknown SBOM format ${JSON.stringify(format)}`);
  return encodeInventory(await inventory(source, options), format);
}
