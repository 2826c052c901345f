export type { ImageSource, OpenedImage, OpenOptions, LayerHandle, LayerEntry, LayerNode, LayerWhiteout, LayerEntryProblem } from './source.js';
export { imageSource, type ImageSourceOptions } from './open-source.js';
export type { RegistrySourceOptions } from './registry/registry-source.js';
export { parseDockerReference, formatDockerReference, type DockerReference } from './registry/docker-reference.js';
export { parseSourceReference, type SourceSpec } from './reference.js';
export { parsePlatform, hostPlatform, formatPlatform, type Platform } from './platform.js';
export { readTarLayer } from './tar-layer.js';
export { readMergedFiles, type MergedFilesOptions } from './merged-files.js';
