import type { ExtractedPackage, FileDigest, FileRecord, Package } from '../core/model.js';
import { isOsEcosystem } from '../core/purl.js';
import { normaliseImagePath } from '../core/paths.js';
import type { ExecutableRecord } from './executables.js';
import type { FileTree } from './file-tree.js';

export interface Ownership {
  /** Packages kept, sorted, each with its owned files. */
  packages: Package[];
  /** Ids of the kept packages. */
  keptIds: Set<string>;
  /** Package-owned files as the merged image shows them, sorted by path. */
  files: FileRecord[];
}

/**
 * Tie each package to the files it owns as they exist in the merged image. Owned paths are mapped through
 * symlinked directories (dpkg lists `/bin/zcat`; with merged /usr the file is `usr/bin/zcat`). A package found by
 * a non-OS extractor whose evidence file an OS package owns is the same component as that OS package and is not
 * reported again; nor is a package a lockfile declares when the image has it installed (same name and version).
 */
export function buildOwnership(
  tree: FileTree,
  extracted: ExtractedPackage[],
  packages: Package[],
  executables: Map<string, ExecutableRecord> = new Map(),
): Ownership {
  const files = new Map<string, FileRecord>();
  const ownedByOs = new Set<string>();
  const cache = new Map<string, string | undefined>();
  const resolve = (raw: string): string | undefined => {
    if (cache.has(raw)) return cache.get(raw);
    let path: string | undefined;
    try {
      const normal = normaliseImagePath(raw);
      path = normal === undefined ? undefined : tree.resolveParents(normal);
    } catch {
      path = undefined; // a package database naming ../ paths owns nothing outside the image
    }
    cache.set(raw, path);
    return path;
  };

  extracted.forEach((pkg, i) => {
    const target = packages[i]!;
    const owned = new Set<string>();
    for (const file of pkg.ownedFiles ?? []) {
      const path = resolve(file.path);
      if (path === undefined) continue;
      const node = tree.get(path);
      // Directories are not owned files; nor is a symlink standing for a directory the package lists (merged /usr: `/bin`).
      if (!node || node.type === 'dir' || (node.type === 'symlink' && tree.isDirectory(path))) continue;
      owned.add(path);
      let record = files.get(path);
      if (!record) {
        record = { path, layer: node.layer, size: node.size, mode: node.mode, type: node.type, owners: [] };
        if (node.linkTarget !== undefined) record.linkTarget = node.linkTarget;
        files.set(path, record);
      }
      if (!record.owners.includes(target.id)) record.owners.push(target.id);
      if (file.digest) addDigest(record, file.digest);
      if (isOsEcosystem(pkg.ecosystem)) ownedByOs.add(path);
    }
    target.files = [...owned].sort();
  });

  // A package a lockfile declares is the same component as the installed copy of it: report the installed one.
  const installed = new Set<string>();
  packages.forEach((pkg) => {
    if (pkg.metadata?.kind === 'language' && pkg.metadata.origin === 'installed') installed.add(`${pkg.ecosystem}\0${pkg.name}\0${pkg.version}`);
  });
  const kept = packages.filter((pkg, i) => {
    if (isOsEcosystem(pkg.ecosystem)) return true;
    const evidence = resolve(extracted[i]!.evidence);
    if (evidence !== undefined && ownedByOs.has(evidence)) return false;
    const declared = pkg.metadata?.kind === 'language' && pkg.metadata.origin === 'declared';
    return !(declared && installed.has(`${pkg.ecosystem}\0${pkg.name}\0${pkg.version}`));
  });
  const keptIds = new Set(kept.map((p) => p.id));
  for (const record of files.values()) {
    record.owners = record.owners.filter((id) => keptIds.has(id)).sort();
    record.digests?.sort((a, b) => (a.algorithm < b.algorithm ? -1 : a.algorithm > b.algorithm ? 1 : 0));
  }
  const listed = [...files.values()].filter((f) => f.owners.length > 0);
  const byPath = new Map(listed.map((f) => [f.path, f]));
  // Executables and libraries: hashed for every one, listed even when no package owns them.
  for (const [path, { sha256, ...facts }] of executables) {
    let record = byPath.get(path);
    if (!record) {
      const node = tree.get(path);
      if (!node || node.type !== 'file') continue;
      record = { path, layer: node.layer, size: node.size, mode: node.mode, type: node.type, owners: [] };
      listed.push(record);
    }
    record.sha256 = sha256;
    record.executable = facts;
  }
  return {
    packages: kept.sort(comparePackages),
    keptIds,
    files: listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}

function addDigest(record: FileRecord, digest: FileDigest): void {
  record.digests ??= [];
  if (!record.digests.some((d) => d.algorithm === digest.algorithm && d.value === digest.value)) record.digests.push({ ...digest });
}

export function comparePackages(a: Package, b: Package): number {
  return (
    cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? '', b.arch ?? '') ||
    cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '') || cmp(a.id, b.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
