import { describe, expect, it } from 'vitest';
import { FileTree } from './file-tree.js';
import { applyLayer, type ContentState } from './merge-layers.js';
import type { LayerChange, ScannedLayer } from './scan-layer.js';

function file(path: string, size = 1): LayerChange {
  return { kind: 'node', path, type: 'file', mode: 0o644, size };
}
function dir(path: string): LayerChange {
  return { kind: 'node', path, type: 'dir', mode: 0o755, size: 0 };
}
function link(path: string, target: string): LayerChange {
  return { kind: 'node', path, type: 'symlink', mode: 0o777, size: 0, linkTarget: target };
}
function layer(index: number, changes: LayerChange[], contents: Record<string, string> = {}): ScannedLayer {
  return {
    ref: { index, diffId: `sha256:${String(index).padStart(64, '0')}` },
    changes,
    contents: new Map(Object.entries(contents).map(([k, v]) => [k, Buffer.from(v)])),
    found: new Map(),
    executables: new Map(),
    issues: [],
  };
}
function paths(tree: FileTree): string[] {
  return [...tree.walk()].map(([p, n]) => `${p}${n.type === 'dir' ? '/' : ''}@${n.layer}`);
}

describe('applyLayer', () => {
  it('creates parents that have no entry of their own', () => {
    const tree = new FileTree();
    applyLayer(tree, new Map(), layer(0, [file('a/b/c')]));
    expect(paths(tree)).toEqual(['a/@0', 'a/b/@0', 'a/b/c@0']);
  });

  it('removes a whited-out file and its wanted content, and reports the change', () => {
    const tree = new FileTree();
    const state: ContentState = new Map();
    applyLayer(tree, state, layer(0, [file('var/lib/dpkg/status'), file('etc/x')], { 'var/lib/dpkg/status': 'v1' }));
    const changed = applyLayer(tree, state, layer(1, [{ kind: 'whiteout', path: 'var/lib/dpkg/status' }]));
    expect(changed).toEqual(['var/lib/dpkg/status']);
    expect(state.size).toBe(0);
    expect(tree.get('var/lib/dpkg/status')).toBeUndefined();
    expect(tree.get('etc/x')?.layer).toBe(0);
  });

  it('whites out a whole directory and re-adds files of the same layer after the whiteout', () => {
    const tree = new FileTree();
    const state: ContentState = new Map();
    applyLayer(tree, state, layer(0, [file('d/one'), file('d/sub/two')], { 'd/sub/two': 'x' }));
    // Whiteouts in a layer apply to the layers below, whatever their position in the tar.
    applyLayer(tree, state, layer(1, [file('d/three'), { kind: 'whiteout', path: 'd' }]));
    expect(paths(tree)).toEqual(['d/@1', 'd/three@1']);
    expect(state.size).toBe(0);
  });

  it('hides lower contents of an opaque directory but keeps the directory', () => {
    const tree = new FileTree();
    applyLayer(tree, new Map(), layer(0, [file('opt/a'), file('opt/b/c'), file('keep')]));
    applyLayer(tree, new Map(), layer(1, [dir('opt'), { kind: 'opaque', path: 'opt' }, file('opt/new')]));
    expect(paths(tree)).toEqual(['keep@0', 'opt/@1', 'opt/new@1']);
  });

  it('writes through a symlinked parent (merged /usr) and resolves owned paths through it', () => {
    const tree = new FileTree();
    applyLayer(tree, new Map(), layer(0, [dir('usr/bin'), link('bin', 'usr/bin'), file('usr/bin/zcat')]));
    applyLayer(tree, new Map(), layer(1, [file('bin/gzip')]));
    expect(tree.get('usr/bin/gzip')?.layer).toBe(1);
    expect(tree.resolveParents('bin/zcat')).toBe('usr/bin/zcat');
    expect(tree.resolveParents('usr/bin/zcat')).toBe('usr/bin/zcat');
  });

  it('stops at a symlink loop instead of hanging', () => {
    const tree = new FileTree();
    applyLayer(tree, new Map(), layer(0, [link('a', 'b'), link('b', 'a')]));
    expect(tree.resolveParents('a/x')).toBeUndefined();
    applyLayer(tree, new Map(), layer(1, [file('a/x')]));
    expect(tree.get('a')?.type).toBe('symlink');
  });

  it('keeps symlinks that climb above the root inside the image', () => {
    const tree = new FileTree();
    applyLayer(tree, new Map(), layer(0, [dir('usr/lib'), link('lib', '../../../usr/lib'), file('usr/lib/libc.so')]));
    expect(tree.resolveParents('lib/libc.so')).toBe('usr/lib/libc.so');
  });

  it('drops wanted content below a directory that a file replaces', () => {
    const tree = new FileTree();
    const state: ContentState = new Map();
    applyLayer(tree, state, layer(0, [file('x/status')], { 'x/status': 's' }));
    const changed = applyLayer(tree, state, layer(1, [file('x')]));
    expect(changed).toEqual(['x/status']);
    expect(tree.get('x')?.type).toBe('file');
  });
});
