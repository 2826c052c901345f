export { writePatchedImage, type WritePatchedImageInput, type WrittenPatchedImage, type PatchLayerBlob } from './write-patched-image.js';
export { parseOutputReference, type OutputSpec, type FileOutputSpec, type RegistryOutputSpec } from './output-reference.js';
export { refuseSameImage, type PushCounts } from './push-patched-image.js';
export { readSourceImage, keptLayerCount, PATCH_LAYER_ANNOTATION, PATCH_HISTORY_PREFIX, type SourceImage, type SourceLayer } from './source-image.js';
export { BASE_DIGEST_ANNOTATION, VERSION_ANNOTATION } from './image-json.js';
