import { GroutError } from '../core/errors.js';
import type { OpenedImage } from './source.js';

export interface MergedFilesOptions {
  /** Stop with E_TOO_LARGE when the selected files add up to more than this (default 256 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/**
 * The contents of a few selected files as the merged image shows them: layers applied bottom-up with OCI whiteout
 * semantics (a `.wh.` entry removes a path and everything below it, an opaque marker empties a directory of what
 * lower layers put there, a later layer's entry replaces an earlier one). Only files `wants` selects are read; the
 * rest of every layer is streamed past. Hard links to a selected file share its bytes.
 *
 * @example
 * const files = await readMergedFiles(image, (p) => p === 'var/lib/dpkg/status' || p.startsWith('etc/apt/'));
 */
export async function readMergedFiles(image: OpenedImage, wants: (path: string) => boolean, options: MergedFilesOptions = {}): Promise<Map<string, Buffer>> {
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const files = new Map<string, Buffer>();
  let total = 0;
  const removeTree = (path: string, keepSelf: boolean): void => {
    const prefix = path === '' ? '' : `${path}/`;
    for (const key of [...files.keys()]) {
      if ((!keepSelf && key === path) || key.startsWith(prefix)) {
        total -= files.get(key)!.length;
        files.delete(key);
      }
    }
  };
  for (const layer of image.layers) {
    // Opaque markers hide only what lower layers wrote: collect this layer's own writes first.
    const written = new Map<string, Buffer | undefined>();
    const opaque: string[] = [];
    const removed: string[] = [];
    for await (const entry of layer.entries(options.signal)) {
      if (entry.kind === 'problem') continue;
      if (entry.kind !== 'node') {
        (entry.kind === 'whiteout' ? removed : opaque).push(entry.path);
        continue;
      }
      if (entry.type === 'file' && wants(entry.path)) {
        const bytes = await entry.read();
        total += bytes.length;
        if (total > maxBytes) throw new GroutError('E_TOO_LARGE', `the files selected from ${image.description.reference} exceed ${maxBytes} bytes`);
        written.set(entry.path, bytes);
      } else if (entry.type === 'hardlink' && entry.linkTarget !== undefined && wants(entry.path)) {
        written.set(entry.path, written.get(entry.linkTarget) ?? files.get(entry.linkTarget));
      } else {
        // A directory, symlink or unselected file at this path replaces whatever a lower layer had there.
        written.set(entry.path, undefined);
      }
    }
    for (const path of removed) removeTree(path, false);
    for (const dir of opaque) removeTree(dir, true);
    for (const [path, bytes] of written) {
      const old = files.get(path);
      if (old !== undefined) {
        total -= old.length;
        files.delete(path);
      }
      if (bytes !== undefined) files.set(path, bytes);
    }
  }
  return files;
}
