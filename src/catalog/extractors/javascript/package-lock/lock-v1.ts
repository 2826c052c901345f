import { isRecord, recordField, stringField, type JsonRecord } from '../common/json-value.js';
import type { FileIssues, LockedPackage } from '../common/locked-package.js';
import { shown } from '../common/locked-package.js';

/** npm nests packages only as deep as conflicts force it; far deeper nesting is hostile input. */
const MAX_DEPTH = 64;

interface TreeNode {
  parent: TreeNode | undefined;
  children: Map<string, TreeNode>;
  entry: JsonRecord;
  locked: LockedPackage | undefined;
}

/**
 * Lockfile v1 (npm 5 and 6): the `dependencies` tree mirrors `node_modules`; `requires` names the dependencies of
 * an entry, found in its own `dependencies` or the nearest ancestor's. An alias is written
 * `"version": "npm:real-name@1.2.3"`. Entries whose version is a git, file or tarball spec were not installed from
 * the registry and carry no version of their own: they are left out. v1 does not say which packages are direct.
 */
export function readDependenciesTree(dependencies: JsonRecord, issues: FileIssues): LockedPackage[] {
  const root: TreeNode = { parent: undefined, children: new Map(), entry: { dependencies }, locked: undefined };
  const all: TreeNode[] = [];
  const stack: { node: TreeNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    const children = recordField(node.entry, 'dependencies');
    if (children === undefined) continue;
    if (depth >= MAX_DEPTH) {
      issues.add(`dependencies nest deeper than ${MAX_DEPTH} levels; the deeper ones are skipped`);
      continue;
    }
    for (const [name, entry] of Object.entries(children)) {
      if (!isRecord(entry)) {
        issues.add(`entry ${shown(name)} is not an object; skipped`);
        continue;
      }
      const child: TreeNode = { parent: node, children: new Map(), entry, locked: lockedFromV1(name, entry, issues) };
      node.children.set(name, child);
      all.push(child);
      stack.push({ node: child, depth: depth + 1 });
    }
  }

  for (const node of all) {
    if (node.locked === undefined) continue;
    const requires = recordField(node.entry, 'requires');
    if (requires === undefined) continue;
    const names = new Set<string>();
    for (const dep of Object.keys(requires)) {
      const found = resolveUp(node, dep);
      if (found?.locked !== undefined && found !== node) names.add(found.locked.name);
    }
    if (names.size > 0) node.locked.dependsOn = [...names];
  }
  return all.flatMap((n) => (n.locked === undefined ? [] : [n.locked]));
}

function resolveUp(from: TreeNode, dep: string): TreeNode | undefined {
  for (let node: TreeNode | undefined = from; node !== undefined; node = node.parent) {
    const found = node.children.get(dep);
    if (found !== undefined) return found;
  }
  return undefined;
}

function lockedFromV1(key: string, entry: JsonRecord, issues: FileIssues): LockedPackage | undefined {
  const spec = stringField(entry, 'version');
  if (spec === undefined) {
    issues.add(`package ${shown(key)} has no version; skipped`);
    return undefined;
  }
  let name = key;
  let version = spec;
  if (spec.startsWith('npm:')) {
    const at = spec.lastIndexOf('@');
    if (at <= 'npm:'.length) {
      issues.add(`package ${shown(key)} has an unreadable alias ${shown(spec)}; skipped`);
      return undefined;
    }
    name = spec.slice('npm:'.length, at);
    version = spec.slice(at + 1);
  }
  // git+https://…, github:user/repo#sha, file:../x, https://…/x.tgz: a source, not a registry version.
  if (version.includes(':') || version.includes('/')) return undefined;
  const locked: LockedPackage = { name, version, dev: entry['dev'] === true };
  const resolved = stringField(entry, 'resolved');
  const integrity = stringField(entry, 'integrity');
  if (resolved !== undefined) locked.resolved = resolved;
  if (integrity !== undefined) locked.integrity = integrity;
  return locked;
}
