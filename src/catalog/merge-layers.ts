import type { FileTree, TreeNode } from './file-tree.js';
import type { ExecutableRecord } from './executables.js';
import { relocate, type FoundInFile, type ScannedLayer } from './scan-layer.js';

/**
 * Wanted files as the merged image shows them after some layer: path → the layer that wrote them, and their kept
 * bytes and/or the packages file extractors found in them.
 */
export type ContentState = Map<string, { layer: number; bytes?: Buffer; found?: FoundInFile[]; executable?: ExecutableRecord }>;

/**
 * Apply one scanned layer onto the merged tree and content state (OCI image spec "Applying Changesets": the
 * layer's whiteouts hide lower entries, then its entries are added). Returns the wanted paths whose content
 * changed, so callers know which extractors have to look again.
 */
export function applyLayer(tree: FileTree, state: ContentState, layer: ScannedLayer): string[] {
  const index = layer.ref.index;
  const changed = new Set<string>();
  const forget = (path: string): void => {
    if (state.delete(path)) changed.add(path);
  };
  const forgetBelow = (node: TreeNode, base: string): void => {
    if (state.size === 0) return;
    for (const [path] of tree.walk(node, base)) forget(path);
  };
  for (const change of layer.changes) {
    if (change.kind === 'opaque') {
      const hidden = tree.clear(change.path);
      if (hidden) forgetBelow(hidden.removed, hidden.stored);
    } else if (change.kind === 'whiteout') {
      const removed = tree.remove(change.path);
      if (removed) {
        forget(removed.stored);
        forgetBelow(removed.removed, removed.stored);
      }
    }
  }
  const changes = layer.changes;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    // Drop each entry once it is in the tree, so a huge layer is never held twice over.
    (changes as (typeof change | undefined)[])[i] = undefined;
    if (change.kind !== 'node') continue;
    const result = tree.set(change.path, change, index);
    if (result === undefined) continue;
    const { stored, replaced } = result;
    // A file replacing a directory: what was below is gone.
    if (replaced?.children && change.type !== 'dir') forgetBelow(replaced, stored);
    const bytes = layer.contents.get(change.path);
    let found = layer.found.get(change.path);
    if (found && stored !== change.path) found = found.map((f) => ({ extractor: f.extractor, packages: relocate(f.packages, change.path, stored) }));
    const executable = layer.executables.get(change.path);
    if (bytes !== undefined || found !== undefined || executable !== undefined) {
      state.set(stored, { layer: index, ...(bytes ? { bytes } : {}), ...(found ? { found } : {}), ...(executable ? { executable } : {}) });
      changed.add(stored);
    } else {
      forget(stored);
    }
  }
  return [...changed].sort();
}
