/** Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info` (file or `PKG-INFO`), `EGG-INFO/PKG-INFO`. */
export { pythonInstalledExtractor, isInstalledMetadataPath } from './installed-extractor.js';
export { parseCoreMetadata, type CoreMetadata } from './core-metadata.js';
