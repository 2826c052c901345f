export { catalogImage, defaultLayerConcurrency, type CatalogOptions } from './catalog.js';
export { LAYER_PASS_VERSION, type LayerResultStore } from './layer-results.js';
export { INVENTORY_MERGE_VERSION, type InventoryResultStore } from './inventory-results.js';
export { defaultExtractors } from './extractors/index.js';
export {
  extractorId,
  isFileExtractor,
  type AnyExtractor,
  type Extractor,
  type ExtractContext,
  type ExtractedFile,
  type FileExtractContext,
  type FileExtractor,
  type FileView,
} from './extractor.js';
export { detectDistro } from './distro/index.js';
