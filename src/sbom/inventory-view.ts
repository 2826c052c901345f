import { createHash } from 'node:crypto';
import type { FileRecord, Inventory, Package } from '../core/model.js';
import { compareText, compareTuples } from './compare.js';
import { unownedExecutableFiles } from '../catalog/file-subsets.js';

/**
 * The packages of an inventory in document order (name, version, id), one per id: ids are unique by contract, and
 * a duplicate would make an invalid document (bom-ref and SPDXID must be unique), so only one is kept: the first
 * in content order.
 */
export function documentPackages(inv: Inventory): Package[] {
  const keyed = inv.packages.map((p) => ({ p, key: [p.name, p.version, p.id, contentKey(p)] }));
  const sorted = keyed.sort((a, b) => compareTuples(a.key, b.key)).map((k) => k.p);
  const seen = new Set<string>();
  return sorted.filter((p) => {
    if (seen.has(p.id)) return false;
    seen.add(p.id);
    return true;
  });
}

/** Orders duplicates of one id by content, so which one is kept does not depend on the input order. */
function contentKey(p: Package): string {
  return JSON.stringify([
    p.foundBy,
    p.locations.map((l) => `${l.layer}\0${l.path}`).sort(compareText),
    [...p.licenses].sort(compareText),
    p.purl,
    p.arch ?? '',
    p.source ?? null,
    p.metadata ?? null,
  ]);
}

/**
 * depends-on edges between packages of the document, as a map from package id to the sorted ids it depends on.
 * Edges to or from ids that are not packages, and self-edges, are dropped.
 */
export function dependencyMap(inv: Inventory, packages: readonly Package[]): Map<string, string[]> {
  const ids = new Set(packages.map((p) => p.id));
  const edges = new Map<string, Set<string>>();
  for (const r of inv.relationships) {
    if (r.type !== 'depends-on' || r.from === r.to || !ids.has(r.from) || !ids.has(r.to)) continue;
    let targets = edges.get(r.from);
    if (targets === undefined) {
      targets = new Set();
      edges.set(r.from, targets);
    }
    targets.add(r.to);
  }
  const out = new Map<string, string[]>();
  for (const [from, targets] of edges) out.set(from, [...targets].sort(compareText));
  return out;
}

/** Executables and libraries that no package owns (binaries of unknown origin), by path. */
export function unownedExecutables(inv: Inventory): FileRecord[] {
  return [...unownedExecutableFiles(inv)].sort((a, b) => compareText(a.path, b.path));
}

/** A stable reference for a file: `file-` and 16 hex digits of the sha256 of its path. */
export function fileRef(path: string): string {
  return `file-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}
