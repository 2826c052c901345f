export { buildPatchLayer, type PatchLayerInput, type PatchLayer, type PackageChange } from './patch-layer.js';
export { readRootfsView, resolveInRootfs, MergedRootfs, type RootfsView, type RootfsNode, type RootfsViewOptions } from './rootfs-view.js';
export { scriptWarnings } from './script-check.js';
export { patchBaseLayers } from './base-layers.js';
