import type { InventoryIssue, LayerRef } from '../core/model.js';
import type { LayerHandle } from '../image/index.js';
import type { NodeInput } from './file-tree.js';

/** Which files the single pass keeps, and how many bytes of each at most. */
export interface FileSelector {
  /** Cap in bytes for a wanted path, or undefined when nothing wants it. */
  capFor(path: string): number | undefined;
}

export interface ScannedNode extends NodeInput {
  path: string;
}

/** What one pass over one layer yields: its entries in order, and the content of the files someone wanted. */
export interface ScannedLayer {
  ref: LayerRef;
  /** Entries in tar order: nodes, whiteouts and opaque markers. */
  changes: LayerChange[];
  contents: Map<string, Buffer>;
  issues: InventoryIssue[];
}

export type LayerChange = ({ kind: 'node' } & ScannedNode) | { kind: 'whiteout' | 'opaque'; path: string };

/** Stream a layer once, keeping metadata for every entry and bytes only for wanted files (each under its cap). */
export async function scanLayer(layer: LayerHandle, selector: FileSelector, signal?: AbortSignal): Promise<ScannedLayer> {
  const changes: LayerChange[] = [];
  const contents = new Map<string, Buffer>();
  const issues: InventoryIssue[] = [];
  const index = layer.ref.index;
  for await (const entry of layer.entries(signal)) {
    if (entry.kind === 'problem') {
      issues.push({ path: entry.path, layer: index, stage: 'image', reason: entry.reason });
      continue;
    }
    if (entry.kind !== 'node') {
      changes.push({ kind: entry.kind, path: entry.path });
      continue;
    }
    const change: LayerChange = { kind: 'node', path: entry.path, type: entry.type, mode: entry.mode, size: entry.size };
    if (entry.linkTarget !== undefined) change.linkTarget = entry.linkTarget;
    changes.push(change);
    if (entry.type !== 'file' && entry.type !== 'hardlink') continue;
    const cap = selector.capFor(entry.path);
    if (cap === undefined) continue;
    if (entry.type === 'hardlink') {
      const target = contents.get(entry.linkTarget!);
      if (target) contents.set(entry.path, target);
      else issues.push({ path: entry.path, layer: index, stage: 'catalog', reason: `hard link to ${entry.linkTarget} whose content was not kept; not read` });
      continue;
    }
    if (entry.size > cap) {
      issues.push({ path: entry.path, layer: index, stage: 'catalog', reason: `file of ${entry.size} bytes exceeds the ${cap}-byte limit; not read` });
      continue;
    }
    contents.set(entry.path, await entry.read());
  }
  return { ref: layer.ref, changes, contents, issues };
}
