import type { FileTree, TreeNode } from './file-tree.js';
import type { ScannedLayer } from './scan-layer.js';

/** Wanted-file contents as the merged image shows them after some layer: path → bytes and the layer that wrote them. */
export type ContentState = Map<string, { bytes: Buffer; layer: number }>;

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
  for (const change of layer.changes) {
    if (change.kind !== 'node') continue;
    const result = tree.set(change.path, change, index);
    if (result === undefined) continue;
    const { stored, replaced } = result;
    // A file replacing a directory: what was below is gone.
    if (replaced?.children && change.type !== 'dir') forgetBelow(replaced, stored);
    const bytes = layer.contents.get(change.path);
    if (bytes !== undefined) {
      state.set(stored, { bytes, layer: index });
      changed.add(stored);
    } else {
      forget(stored);
    }
  }
  return [...changed].sort();
}
