import { parentOf } from '../core/paths.js';

export interface TreeNode {
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  size: number;
  /** Layer index that wrote this node. */
  layer: number;
  linkTarget?: string;
  children?: Map<string, TreeNode>;
}

export interface NodeInput {
  type: TreeNode['type'];
  mode: number;
  size: number;
  linkTarget?: string;
}

const MAX_LINK_HOPS = 40;

/**
 * The merged (squashed) file system of an image, built bottom-up from layer entries with OCI whiteout semantics.
 * Directories a layer never names are created implicitly; a path whose parent is a symlink is written through it,
 * as unpacking a layer onto disk would (merged /usr: `bin -> usr/bin`).
 */
export class FileTree {
  readonly root: TreeNode = { type: 'dir', mode: 0o755, size: 0, layer: -1, children: new Map() };

  /**
   * Add or replace the node at `path`. Returns the path it was stored at (after following parent symlinks) and
   * the node it replaced, if any.
   */
  set(path: string, input: NodeInput, layer: number): { stored: string; replaced?: TreeNode } | undefined {
    const parent = this.directoryFor(parentOf(path), layer, true);
    if (!parent) return undefined;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const children = parent.node.children!;
    const existing = children.get(name);
    const stored = parent.path ? `${parent.path}/${name}` : name;
    if (input.type === 'dir' && existing?.type === 'dir') {
      existing.mode = input.mode;
      existing.layer = layer;
      return { stored };
    }
    const node: TreeNode = { type: input.type, mode: input.mode, size: input.size, layer };
    if (input.linkTarget !== undefined) node.linkTarget = input.linkTarget;
    if (input.type === 'dir') node.children = new Map();
    children.set(name, node);
    return existing ? { stored, replaced: existing } : { stored };
  }

  /** Remove `path` and everything below it (a whiteout). Returns the removed node and its path as stored. */
  remove(path: string): { stored: string; removed: TreeNode } | undefined {
    const parent = this.directoryFor(parentOf(path), -1, false);
    if (!parent) return undefined;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const removed = parent.node.children!.get(name);
    if (!removed) return undefined;
    parent.node.children!.delete(name);
    return { stored: parent.path ? `${parent.path}/${name}` : name, removed };
  }

  /**
   * Hide everything below directory `path` (an opaque whiteout). Returns the directory's path as stored and a
   * detached node holding what was hidden.
   */
  clear(path: string): { stored: string; removed: TreeNode } | undefined {
    const dir = path === '' ? { node: this.root, path: '' } : this.directoryFor(path, -1, false);
    if (!dir) return undefined;
    const removed: TreeNode = { type: 'dir', mode: 0, size: 0, layer: -1, children: dir.node.children! };
    dir.node.children = new Map();
    return { stored: dir.path, removed };
  }

  /** The node at exactly `path` (no symlink resolution). */
  get(path: string): TreeNode | undefined {
    if (path === '') return this.root;
    let node: TreeNode | undefined = this.root;
    for (const part of path.split('/')) {
      node = node?.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  /**
   * The path a reader of the image reaches for `path` when its directory components are resolved through
   * symlinks (the last component is kept as is): `bin/zcat` → `usr/bin/zcat` when `bin -> usr/bin`.
   */
  resolveParents(path: string): string | undefined {
    const dir = this.directoryFor(parentOf(path), -1, false);
    if (!dir) return undefined;
    const name = path.slice(path.lastIndexOf('/') + 1);
    return dir.path ? `${dir.path}/${name}` : name;
  }

  /** Does `path` lead to a directory, following symlinks in every component including the last? */
  isDirectory(path: string): boolean {
    return this.directoryFor(path, -1, false) !== undefined;
  }

  /** Visit every node below the root (or below `start`, a detached node at `base`) in path order. */
  *walk(start: TreeNode = this.root, base = ''): Generator<[string, TreeNode]> {
    const stack: [string, TreeNode][] = [[base, start]];
    let first = true;
    while (stack.length > 0) {
      const [path, node] = stack.pop()!;
      if (!first) yield [path, node];
      first = false;
      if (node.children) {
        const names = [...node.children.keys()].sort().reverse();
        for (const name of names) stack.push([path ? `${path}/${name}` : name, node.children.get(name)!]);
      }
    }
  }

  /**
   * Walk to directory `path`, following symlinks in every component. With `create`, missing directories are made
   * (implied parents) and a non-directory in the way is replaced, as tar extraction does.
   */
  private directoryFor(path: string, layer: number, create: boolean, hops = { n: 0 }): { node: TreeNode; path: string } | undefined {
    let node = this.root;
    let at = '';
    const parts = path === '' ? [] : path.split('/');
    for (const part of parts) {
      let child = node.children!.get(part);
      const childPath = at ? `${at}/${part}` : part;
      if (child?.type === 'symlink' && child.linkTarget !== undefined) {
        if (++hops.n > MAX_LINK_HOPS) return undefined;
        const target = child.linkTarget.startsWith('/') ? child.linkTarget : `${at}/${child.linkTarget}`;
        const resolved = safeNormalise(target);
        if (resolved === undefined) return undefined;
        const dir = this.directoryFor(resolved, layer, create, hops);
        if (!dir) return undefined;
        node = dir.node;
        at = dir.path;
        continue;
      }
      if (!child || child.type !== 'dir') {
        if (!create) return undefined;
        child = { type: 'dir', mode: 0o755, size: 0, layer, children: new Map() };
        node.children!.set(part, child);
      }
      node = child;
      at = childPath;
    }
    return { node, path: at };
  }
}

/** Link targets that climb above the root stop at the root, as they do in a real chroot. */
function safeNormalise(path: string): string | undefined {
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.join('/');
}

