/** Progress events the library emits; the CLI renders them on stderr. The library itself never prints. */
export type ProgressEvent =
  | { type: 'image-opened'; reference: string; layers: number }
  | { type: 'layer-start'; index: number; total: number; diffId: string; size?: number }
  | { type: 'layer-done'; index: number; total: number; entries: number; wanted: number }
  | { type: 'extract-done'; extractor: string; packages: number };

export type ProgressListener = (event: ProgressEvent) => void;
