export type { ImageSource, OpenedImage, OpenOptions, LayerHandle, LayerEntry, LayerNode, LayerWhiteout, LayerEntryProblem } from './source.js';
export { imageSource } from './open-source.js';
export { parseSourceReference, type SourceSpec } from './reference.js';
export { parsePlatform, hostPlatform, formatPlatform, type Platform } from './platform.js';
export { readTarLayer } from './tar-layer.js';
export { readMergedFiles, type MergedFilesOptions } from './merged-files.js';
