/**
 * SBOMs in and out: an inventory as CycloneDX 1.6 or SPDX 2.3 JSON (pure and deterministic — no clock, no
 * randomness: the same inventory always gives the same bytes), and CycloneDX / SPDX JSON from any tool read back
 * into an inventory.
 */
export { cycloneDxDocument, encodeCycloneDx, IMAGE_BOM_REF } from './cyclonedx.js';
export type { CycloneDxBom, CycloneDxProperty } from './cyclonedx-types.js';
export { encodeSpdx } from './spdx.js';
export { imagePurl } from './image-naming.js';
export type { EncodeOptions } from './encode-options.js';
export { decodeSbom } from './decode/index.js';
