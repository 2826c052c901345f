import type { LayerHandle, OpenedImage } from '../../image/index.js';

/**
 * The layers a patched image keeps: all but a previous grout patch layer on top (its history entry says
 * `grout fix: …`), which the new patch layer replaces. The rootfs for `buildPatchLayer` is read from these.
 */
export function patchBaseLayers(image: Pick<OpenedImage, 'layers'>): LayerHandle[] {
  const last = image.layers.at(-1);
  return last?.ref.createdBy?.startsWith('grout fix:') ? image.layers.slice(0, -1) : [...image.layers];
}
