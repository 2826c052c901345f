/**
 * SBOM encoders: an inventory as CycloneDX 1.6 or SPDX 2.3 JSON. Pure and deterministic (no clock, no
 * randomness): the same inventory always gives the same bytes.
 */
export { encodeCycloneDx } from './cyclonedx.js';
export { encodeSpdx } from './spdx.js';
export type { EncodeOptions } from './encode-options.js';
