import { createHash } from 'node:crypto';
import type { ImageDescription, LayerRef } from '../core/model.js';
import { EXECUTABLE_HEAD_BYTES, MAX_EXECUTABLE_BYTES } from './executables.js';
import { extractorId, type Extractor, type FileExtractor } from './extractor.js';
import { LAYER_CODEC_VERSION } from './layer-codec.js';

/**
 * Where the catalog keeps what one pass over a layer found, so that an image whose layers were seen before is not
 * read again (`cache/layer-cache.ts` keeps them on disk). Payloads are opaque to the store.
 */
export interface LayerResultStore {
  /** The payload stored for (diffId, key); undefined when there is none or it cannot be read. Never throws for a bad entry. */
  get(diffId: string, key: string): Promise<Buffer | undefined>;
  /** Whether a payload is stored for (diffId, key), without reading it; a stored payload may still prove unusable. */
  has?(diffId: string, key: string): Promise<boolean>;
  /** Store a payload (replacing a bad one). Best effort: a full disk is not the scan's problem. */
  put(diffId: string, key: string, payload: Buffer): Promise<void>;
  /** Called once the pass has read every layer and stored its results: the time to prune, if the store does. */
  settle?(): Promise<void>;
}

/**
 * Bump when what the single pass keeps from a layer changes for the same input (scan-layer.ts, the executables
 * analysis, which files the distro detector wants): every cached layer result is then read afresh.
 */
export const LAYER_PASS_VERSION = 1;

/** Everything besides the layer bytes that decides what a pass over a layer yields. */
export interface PassSettings {
  extractors: readonly Extractor[];
  fileExtractors: readonly FileExtractor[];
  executables: boolean;
  distroFileCap: number;
}

/**
 * The part of the cache key shared by every layer of a pass: format and pass versions, each extractor's
 * `name@version` (so a new version invalidates exactly the results that used it) and size cap, the executables
 * flag and the other file-selection caps.
 */
export function passFingerprint(settings: PassSettings): string {
  const lines = [
    `format ${LAYER_CODEC_VERSION}`,
    `pass ${LAYER_PASS_VERSION}`,
    `executables ${settings.executables ? `${MAX_EXECUTABLE_BYTES}/${EXECUTABLE_HEAD_BYTES}` : 'off'}`,
    `distro ${settings.distroFileCap}`,
    ...settings.extractors.map((e) => `view ${extractorId(e)} ${e.maxFileBytes}`).sort(),
    ...settings.fileExtractors.map((e) => `file ${extractorId(e)} ${e.maxFileBytes}`).sort(),
  ];
  return lines.join('\n');
}

/**
 * The key of one layer's result. It names the layer's blob digest as well as its diffId: sources verify the blob
 * digest of what they stream, but not every source checks the diffId the config claims, and a crafted image must
 * not be able to file its own layer's result under a well-known base layer's diffId.
 */
export function layerResultKey(fingerprint: string, ref: LayerRef): string {
  return createHash('sha256').update(`${fingerprint}\nblob ${ref.digest ?? 'none'}\n`).digest('hex').slice(0, 32);
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/**
 * Layers of image formats are content-addressed and never change; a root file system directory is one pseudo-layer
 * named after its path, whose content can change at any time, so it is never cached.
 */
export function isCacheableLayer(image: ImageDescription, ref: LayerRef): boolean {
  return image.transport !== 'rootfs' && SHA256.test(ref.diffId) && (ref.digest === undefined || SHA256.test(ref.digest));
}
