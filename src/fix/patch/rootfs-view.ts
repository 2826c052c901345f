/**
 * The merged root file system of an image as the patch layer writer needs it: the type of every path (to follow
 * symlinked directories such as `/lib` → `usr/lib` as dpkg would), the bytes of the dpkg database, and the md5 of
 * files that may be conffiles. Built from the layers in one streamed pass; nothing is extracted to disk.
 */
import { createHash } from 'node:crypto';
import { GroutError } from '../../core/errors.js';
import type { LayerEntry, LayerEntryProblem, LayerHandle } from '../../image/index.js';

export interface RootfsNode {
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Symlink target as written. */
  linkTarget?: string;
  /** md5 hex of a regular file's bytes, when the view hashed it. */
  md5?: string;
}

/** Read access to a merged root file system. Paths are normalised (no leading slash). */
export interface RootfsView {
  /** Like lstat: the node at `path` itself, symlinks not followed; undefined when absent. */
  node(path: string): RootfsNode | undefined;
  /** Bytes of a file the view kept (the dpkg database); undefined when absent or not kept. */
  read(path: string): Buffer | undefined;
  /** Names directly inside a directory, sorted. */
  children(dir: string): string[];
}

export interface RootfsViewOptions {
  /** Files whose bytes are kept (default: everything under `var/lib/dpkg/`). */
  keep?: (path: string) => boolean;
  /** Files whose md5 is computed (default: everything under `etc/`, where conffiles live). */
  hash?: (path: string) => boolean;
  /** Cap on kept bytes (default 256 MiB). */
  maxKeptBytes?: number;
  signal?: AbortSignal;
}

const defaultKeep = (path: string): boolean => path.startsWith('var/lib/dpkg/');
const defaultHash = (path: string): boolean => path.startsWith('etc/');

/** A RootfsView built entry by entry; layers are applied bottom-up with OCI whiteout rules. */
export class MergedRootfs implements RootfsView {
  private readonly nodes = new Map<string, RootfsNode>();
  private readonly bytes = new Map<string, Buffer>();
  private keptBytes = 0;

  constructor(private readonly options: RootfsViewOptions = {}) {}

  node(path: string): RootfsNode | undefined {
    return this.nodes.get(path);
  }

  read(path: string): Buffer | undefined {
    return this.bytes.get(path);
  }

  children(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    const out: string[] = [];
    for (const path of this.nodes.keys()) {
      if (path.startsWith(prefix) && path.length > prefix.length && !path.includes('/', prefix.length)) out.push(path.slice(prefix.length));
    }
    return out.sort();
  }

  /** Apply one layer's entries (bottom layer first). */
  async applyLayer(entries: AsyncIterable<LayerEntry | LayerEntryProblem>, name: string): Promise<void> {
    const keep = this.options.keep ?? defaultKeep;
    const hash = this.options.hash ?? defaultHash;
    const maxKept = this.options.maxKeptBytes ?? 256 * 1024 * 1024;
    // Whiteouts and opaque markers affect only lower layers: collect this layer's writes and apply them last.
    const written = new Map<string, { node: RootfsNode; bytes?: Buffer }>();
    const removed: string[] = [];
    const opaque: string[] = [];
    for await (const entry of entries) {
      if (entry.kind === 'problem') continue;
      if (entry.kind !== 'node') {
        (entry.kind === 'whiteout' ? removed : opaque).push(entry.path);
        continue;
      }
      if (entry.type === 'file') {
        const wantBytes = keep(entry.path);
        const wantHash = hash(entry.path);
        if (!wantBytes && !wantHash) {
          written.set(entry.path, { node: { type: 'file' } });
          continue;
        }
        const data = await entry.read();
        const node: RootfsNode = { type: 'file', md5: createHash('md5').update(data).digest('hex') };
        if (wantBytes) {
          this.keptBytes += data.length;
          if (this.keptBytes > maxKept) throw new GroutError('E_TOO_LARGE', `${name}: the dpkg database is larger than ${maxKept} bytes`, { file: name });
          written.set(entry.path, { node, bytes: data });
        } else written.set(entry.path, { node });
      } else if (entry.type === 'hardlink') {
        const target = written.get(entry.linkTarget ?? '') ?? this.lookup(entry.linkTarget ?? '');
        written.set(entry.path, target ?? { node: { type: 'file' } });
      } else if (entry.type === 'symlink') {
        written.set(entry.path, { node: { type: 'symlink', linkTarget: entry.linkTarget ?? '' } });
      } else {
        written.set(entry.path, { node: { type: entry.type === 'dir' ? 'dir' : 'other' } });
      }
    }
    for (const path of removed) this.removeTree(path, false);
    for (const dir of opaque) this.removeTree(dir, true);
    for (const [path, { node, bytes }] of written) {
      // A non-directory replacing a directory hides what was below it.
      if (node.type !== 'dir' && this.nodes.get(path)?.type === 'dir') this.removeTree(path, true);
      this.nodes.set(path, node);
      const old = this.bytes.get(path);
      if (old !== undefined) {
        this.keptBytes -= old.length;
        this.bytes.delete(path);
      }
      if (bytes !== undefined) this.bytes.set(path, bytes);
    }
  }

  private lookup(path: string): { node: RootfsNode; bytes?: Buffer } | undefined {
    const node = this.nodes.get(path);
    if (node === undefined) return undefined;
    const bytes = this.bytes.get(path);
    return bytes === undefined ? { node } : { node, bytes };
  }

  private removeTree(path: string, keepSelf: boolean): void {
    const prefix = path === '' ? '' : `${path}/`;
    for (const key of [...this.nodes.keys()]) {
      if ((!keepSelf && key === path) || (key.startsWith(prefix) && key !== path)) {
        this.nodes.delete(key);
        const old = this.bytes.get(key);
        if (old !== undefined) {
          this.keptBytes -= old.length;
          this.bytes.delete(key);
        }
      }
    }
  }
}

/**
 * The merged root file system of `layers` (bottom first), for `buildPatchLayer`. Pass the layers the patched
 * image keeps: without a previous grout patch layer, which the new one replaces.
 *
 * @example
 * const image = await imageSource('oci:./layout:app').open();
 * const rootfs = await readRootfsView(image.layers);
 */
export async function readRootfsView(layers: readonly LayerHandle[], options: RootfsViewOptions = {}): Promise<MergedRootfs> {
  const view = new MergedRootfs(options);
  for (const layer of layers) await view.applyLayer(layer.entries(options.signal), layer.ref.digest ?? layer.ref.diffId);
  return view;
}

const MAX_SYMLINK_HOPS = 40;

/**
 * Resolve `path` inside the view as the kernel would inside a chroot: symlinks in directory components are
 * followed (absolute targets from the image root, `..` clamped at the root); the last component is followed only
 * when `followLast`. Returns the resolved normalised path ('' for the root).
 */
export function resolveInRootfs(view: RootfsView, path: string, followLast = false): string {
  let pending = path.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === '..') {
      done.pop();
      continue;
    }
    const candidate = [...done, segment].join('/');
    const node = view.node(candidate);
    const isLast = pending.length === 0;
    if (node?.type === 'symlink' && node.linkTarget !== undefined && (!isLast || followLast)) {
      hops += 1;
      if (hops > MAX_SYMLINK_HOPS) throw new GroutError('E_UNSAFE_PATH', `/${path}: too many levels of symbolic links in the image`, { file: path });
      const target = node.linkTarget.split('/').filter((s) => s !== '' && s !== '.');
      if (node.linkTarget.startsWith('/')) done.length = 0;
      pending = [...target, ...pending];
      continue;
    }
    done.push(segment);
  }
  return done.join('/');
}
