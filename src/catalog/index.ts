export { catalogImage, type CatalogOptions } from './catalog.js';
export { defaultExtractors } from './extractors/index.js';
export { extractorId, type Extractor, type ExtractContext, type FileView } from './extractor.js';
export { detectDistro } from './distro/index.js';
