/**
 * grout's library API. Read an image once; get its inventory or SBOM.
 *
 * @example
 * import { inventory, sbom } from 'grout';
 * const inv = await inventory('oci:./layout:latest', { platform: 'linux/amd64' });
 * const spdx = await sbom('docker-archive:app.tar', { format: 'spdx' });
 */
export { inventory, sbom, encodeInventory, SBOM_FORMATS, type InventoryOptions, type SbomFormat } from './scan/index.js';
export { imageSource, parseSourceReference, parsePlatform, type ImageSource, type OpenedImage, type LayerHandle, type Platform } from './image/index.js';
export { defaultExtractors, type AnyExtractor, type Extractor, type FileExtractor, type FileView } from './catalog/index.js';
export { encodeCycloneDx, encodeSpdx } from './sbom/index.js';
export { encodeInventoryJson, encodeInventoryTable, summariseImage } from './report/index.js';
export { GroutError, exitCodeFor, type ErrorCode } from './core/errors.js';
export type * from './core/model.js';
export type { ProgressEvent, ProgressListener } from './core/events.js';
export { GROUT_VERSION } from './grout-version.js';
