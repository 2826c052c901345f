import type { ImageDescription, LayerRef } from '../core/model.js';
import type { Platform } from './platform.js';

/**
 * One entry of a layer as grout sees it: a file system node, or a whiteout that removes something from the
 * layers below (`.wh.<name>`), or an opaque marker that hides everything below in a directory (`.wh..wh..opq`).
 * Paths are normalised (no leading slash).
 */
export type LayerEntry = LayerNode | LayerWhiteout;

export interface LayerNode {
  kind: 'node';
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  size: number;
  /** Symlink target as written; for a hard link, the normalised path of the linked file. */
  linkTarget?: string;
  /**
   * The file's bytes. Call at most once and before asking for the next entry: layers are streams. Content not
   * read is skipped without being buffered.
   */
  read(): Promise<Buffer>;
  /** The same bytes as chunks, for callers that only hash or skim them. Same rules as `read`; use one or the other. */
  stream(): AsyncIterable<Buffer>;
}

export interface LayerWhiteout {
  kind: 'whiteout' | 'opaque';
  /** For `whiteout`, the removed path; for `opaque`, the directory whose lower contents are hidden. */
  path: string;
}

/** A problem in one entry that does not stop the layer (an unsafe path, an unknown entry type). */
export interface LayerEntryProblem {
  kind: 'problem';
  path: string;
  reason: string;
}

export interface LayerHandle {
  ref: LayerRef;
  /** Streams the layer once: decompressed, digest-verified, parsed. Problems with single entries are yielded. */
  entries(signal?: AbortSignal): AsyncIterable<LayerEntry | LayerEntryProblem>;
  /**
   * Start fetching the layer now, in the background, because `entries()` will be wanted (sources that download:
   * the registry). The catalog calls it, bottom layer first, for every layer whose results are not cached.
   */
  prefetch?(): void;
}

export interface OpenedImage {
  description: ImageDescription;
  /** Bottom layer first. */
  layers: LayerHandle[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Wanted platform when the source is a multi-platform index; default: the host's. */
  platform?: Platform;
  signal?: AbortSignal;
}

/**
 * Where an image comes from. docker-archive, OCI layout, OCI archive and rootfs directories implement it; a
 * registry source plugs in the same way.
 */
export interface ImageSource {
  /** The reference as the user wrote it. */
  readonly reference: string;
  open(options?: OpenOptions): Promise<OpenedImage>;
}
