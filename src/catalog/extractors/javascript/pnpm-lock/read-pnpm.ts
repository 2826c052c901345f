import { isRecord, recordField, stringField, type JsonRecord } from '../common/json-value.js';
import type { FileIssues, LockedPackage } from '../common/locked-package.js';
import { shown } from '../common/locked-package.js';
import { isVersion, parseDepPath, refToDepPath, withoutPeers } from './dep-path.js';

const PROD_FIELDS = ['dependencies', 'optionalDependencies'] as const;
const IMPORTER_FIELDS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const;

interface Node {
  /** Key in `snapshots` (v9) or `packages` (older). */
  depPath: string;
  /** Where its dependencies are listed. */
  edges: JsonRecord;
  locked: LockedPackage;
}

/**
 * The packages of one pnpm lockfile document (https://github.com/pnpm/spec/tree/master/lockfile). Every resolved
 * variant (`snapshots` in v9, `packages` before) is a package; variants that differ only by peers have the same
 * name and version and are merged later. `direct`: an importer (the project or a workspace) depends on it. `dev`:
 * v5/v6 write it per package; for v9 it is derived: reachable from some importer's devDependencies and from no
 * importer's dependencies or optionalDependencies.
 */
export function readPnpmLock(lock: JsonRecord, issues: FileIssues): LockedPackage[] {
  const major = lockfileMajor(lock);
  if (major === undefined) {
    issues.add(`unsupported lockfileVersion ${shown(String(lock['lockfileVersion']))}`);
    return [];
  }
  const packages = recordField(lock, 'packages') ?? {};
  const snapshots = major >= 9 ? recordField(lock, 'snapshots') ?? {} : undefined;

  const nodes = new Map<string, Node>();
  const addNode = (depPath: string, edges: JsonRecord, info: JsonRecord): void => {
    const parsed = parseDepPath(depPath, major);
    const name = stringField(info, 'name') ?? parsed?.name;
    const versionField = stringField(info, 'version');
    const version = versionField !== undefined && isVersion(versionField) ? versionField : parsed?.version;
    if (name === undefined) {
      issues.add(`unreadable package key ${shown(depPath)}; skipped`);
      return;
    }
    if (version === undefined) {
      issues.add(`package ${shown(name)} (${shown(depPath)}) has no version; skipped`);
      return;
    }
    const locked: LockedPackage = { name, version, direct: false };
    if (major < 9) locked.dev = info['dev'] === 'true';
    const resolution = recordField(info, 'resolution');
    const integrity = resolution === undefined ? undefined : stringField(resolution, 'integrity');
    const tarball = resolution === undefined ? undefined : stringField(resolution, 'tarball');
    if (integrity !== undefined) locked.integrity = integrity;
    if (tarball !== undefined) locked.resolved = tarball;
    nodes.set(depPath, { depPath, edges, locked });
  };

  if (snapshots !== undefined) {
    const covered = new Set<string>();
    for (const [depPath, snapshot] of Object.entries(snapshots)) {
      const key = withoutPeers(depPath);
      covered.add(key);
      const info = recordField(packages, key) ?? {};
      addNode(depPath, isRecord(snapshot) ? snapshot : {}, info);
    }
    for (const [key, info] of Object.entries(packages)) {
      if (!covered.has(key)) addNode(key, {}, isRecord(info) ? info : {});
    }
  } else {
    for (const [depPath, info] of Object.entries(packages)) {
      if (!isRecord(info)) {
        issues.add(`package ${shown(depPath)} is not a map; skipped`);
        continue;
      }
      addNode(depPath, info, info);
    }
  }

  /** The node a `name: ref` reference points to. */
  const lookup = (name: string, ref: unknown): Node | undefined => {
    const value = isRecord(ref) ? ref['version'] : ref;
    if (typeof value !== 'string') return undefined;
    const depPath = refToDepPath(name, value, major);
    if (depPath === undefined) return undefined;
    return nodes.get(depPath) ?? (major >= 9 ? undefined : nodes.get(withoutPeers(depPath)));
  };

  for (const node of nodes.values()) {
    const names = new Set<string>();
    for (const field of PROD_FIELDS) {
      for (const [name, ref] of Object.entries(recordField(node.edges, field) ?? {})) {
        const found = lookup(name, ref);
        if (found !== undefined && found !== node) names.add(found.locked.name);
      }
    }
    if (names.size > 0) node.locked.dependsOn = [...names];
  }

  const prodRoots: Node[] = [];
  const devRoots: Node[] = [];
  for (const importer of importersOf(lock)) {
    for (const field of IMPORTER_FIELDS) {
      for (const [name, ref] of Object.entries(recordField(importer, field) ?? {})) {
        const found = lookup(name, ref);
        if (found === undefined) continue;
        found.locked.direct = true;
        (field === 'devDependencies' ? devRoots : prodRoots).push(found);
      }
    }
  }
  if (major >= 9) {
    const prod = reachable(prodRoots, lookup);
    const dev = reachable(devRoots, lookup);
    for (const node of nodes.values()) node.locked.dev = dev.has(node) && !prod.has(node);
  }
  return [...nodes.values()].map((n) => n.locked);
}

/** Every node reachable from `roots` along dependencies and optionalDependencies; cycles are fine. */
function reachable(roots: readonly Node[], lookup: (name: string, ref: unknown) => Node | undefined): Set<Node> {
  const seen = new Set<Node>(roots);
  const queue = [...roots];
  while (queue.length > 0) {
    const node = queue.pop()!;
    for (const field of PROD_FIELDS) {
      for (const [name, ref] of Object.entries(recordField(node.edges, field) ?? {})) {
        const found = lookup(name, ref);
        if (found !== undefined && !seen.has(found)) {
          seen.add(found);
          queue.push(found);
        }
      }
    }
  }
  return seen;
}

/** `importers` of a workspace lockfile; before v9 a single project keeps its fields at the top level. */
function importersOf(lock: JsonRecord): JsonRecord[] {
  const importers = recordField(lock, 'importers');
  if (importers === undefined) return [lock];
  return Object.values(importers).filter(isRecord);
}

/** `5.3` (a number in v5), `'6.0'`, `'9.0'` → 5, 6, 9. With the failsafe schema every one is a string. */
function lockfileMajor(lock: JsonRecord): number | undefined {
  const raw = lock['lockfileVersion'];
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
  const major = Number.parseInt(text, 10);
  if (!Number.isFinite(major) || major < 3 || major > 99) return undefined;
  return major;
}
