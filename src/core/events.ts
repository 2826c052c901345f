/** Progress events the library emits; the CLI renders them on stderr. The library itself never prints. */
export type ProgressEvent =
  | { type: 'image-opened'; reference: string; layers: number }
  | { type: 'layer-start'; index: number; total: number; diffId: string; digest?: string; size?: number }
  /**
   * Bytes of a blob downloaded so far (a registry source); `index` names the layer when the blob is one, `total` is
   * the size the manifest declares.
   */
  | { type: 'blob-download'; digest: string; bytes: number; total?: number; index?: number }
  /** A layer being read: entries seen so far and the uncompressed bytes of their content. */
  | { type: 'layer-progress'; index: number; total: number; entries: number; bytes: number }
  /** `cached`: the layer's result came from the layer cache; the layer itself was not read. */
  | { type: 'layer-done'; index: number; total: number; entries: number; wanted: number; cached?: boolean }
  | { type: 'extract-done'; extractor: string; packages: number };

export type ProgressListener = (event: ProgressEvent) => void;
