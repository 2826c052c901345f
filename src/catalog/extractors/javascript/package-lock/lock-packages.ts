import { dependencyNames, isRecord, recordField, stringField, type JsonRecord } from '../common/json-value.js';
import type { FileIssues, LockedPackage } from '../common/locked-package.js';
import { shown } from '../common/locked-package.js';
import { nameFromLocation } from '../common/npm-paths.js';
import { npmLicenses } from '../common/npm-license.js';

/** The dependency fields whose packages npm installs beside a package (peers too, since npm 7). */
const EDGE_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;
const ROOT_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** npm nests packages only as deep as version conflicts force it; far deeper nesting is hostile input. */
const MAX_DEPTH = 64;

interface Node {
  /** Folder whose node_modules are searched first when resolving this package's dependencies. */
  location: string;
  entry: JsonRecord;
  locked: LockedPackage;
}

/** A folder that may hold a `node_modules`: the packages installed there, and the folder above it. */
interface Scope {
  parent: Scope | undefined;
  installed: Map<string, Node>;
}

/**
 * Lockfile v2/v3 (`packages`, keyed by install location; https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json).
 * Every location inside a `node_modules` folder is a package; a link (`"link": true`) stands for the folder it
 * resolves to (a workspace or a `file:` directory), named as the link is, and is a direct dependency. Folders that
 * no link points to are not installed and not reported; the project itself (`""`) is not a package.
 * Dependency names resolve as Node does: the nearest `node_modules/<name>` walking up from the dependent.
 */
export function readPackagesSection(packages: JsonRecord, issues: FileIssues): LockedPackage[] {
  const project = recordField(packages, '') ?? {};
  const rootDeps = new Set(ROOT_FIELDS.flatMap((field) => dependencyNames(project, field)));
  const root: Scope = { parent: undefined, installed: new Map() };
  const scopes = new Map<string, Scope>([['', root]]);
  /** The scope of a folder, created with its ancestors; the depth cap bounds the chain. */
  const scopeOf = (location: string): Scope => {
    const known = scopes.get(location);
    if (known !== undefined) return known;
    const scope: Scope = { parent: scopeOf(parentLocation(location)), installed: new Map() };
    scopes.set(location, scope);
    return scope;
  };
  const nodes: Node[] = [];
  let tooDeep = 0;

  for (const [key, entry] of Object.entries(packages)) {
    if (key === '') continue;
    const folderName = nameFromLocation(key);
    if (folderName === undefined) continue; // a workspace folder: reached through its link, if any
    if (nestingDepth(key) > MAX_DEPTH) {
      tooDeep += 1;
      continue;
    }
    if (!isRecord(entry)) {
      issues.add(`entry ${shown(key)} is not an object; skipped`);
      continue;
    }
    let target = entry;
    let location = key;
    const topLevel = key === `node_modules/${folderName}`;
    let direct = topLevel && rootDeps.has(folderName);
    let resolved = stringField(entry, 'resolved');
    if (entry['link'] === true) {
      const to = resolved;
      const linked = to === undefined ? undefined : packages[to];
      if (to === undefined || !isRecord(linked)) {
        issues.add(`link ${shown(key)} points to ${to === undefined ? 'nothing' : shown(to)}, which the lockfile does not describe; skipped`);
        continue;
      }
      if (nestingDepth(to) > MAX_DEPTH) {
        tooDeep += 1;
        continue;
      }
      target = linked;
      location = to;
      direct = direct || topLevel;
    }
    const name = stringField(target, 'name') ?? folderName;
    const version = stringField(target, 'version');
    if (version === undefined) {
      issues.add(`package ${shown(name)} at ${shown(location)} has no version; skipped`);
      continue;
    }
    const locked: LockedPackage = { name, version, direct, licenses: npmLicenses(target) };
    if (target['dev'] === true) locked.dev = true;
    else locked.dev = false;
    if (resolved === undefined && target !== entry) resolved = stringField(target, 'resolved');
    if (resolved !== undefined) locked.resolved = resolved;
    const integrity = stringField(target, 'integrity');
    if (integrity !== undefined) locked.integrity = integrity;
    const node: Node = { location, entry: target, locked };
    scopeOf(parentLocation(key)).installed.set(folderName, node);
    nodes.push(node);
  }
  if (tooDeep > 0) issues.add(`${tooDeep} entries nest deeper than ${MAX_DEPTH} node_modules levels; skipped`);

  for (const node of nodes) {
    const names = new Set<string>();
    for (const field of EDGE_FIELDS) {
      for (const dep of dependencyNames(node.entry, field)) {
        const found = resolveFrom(scopeOf(node.location), dep);
        if (found !== undefined && found !== node) names.add(found.locked.name);
      }
    }
    if (names.size > 0) node.locked.dependsOn = [...names];
  }
  return nodes.map((n) => n.locked);
}

/** The package Node would load for `require(dep)` from a package in `scope`: the nearest `node_modules/<dep>` up. */
function resolveFrom(scope: Scope, dep: string): Node | undefined {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    const found = s.installed.get(dep);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The folder whose node_modules holds `location`: `a/node_modules/b` → `a`; `node_modules/a` → `` (the project). */
function parentLocation(location: string): string {
  const cut = location.lastIndexOf('/node_modules/');
  return cut < 0 ? '' : location.slice(0, cut);
}

/** How many node_modules levels a location is below its project: `node_modules/a/node_modules/b` → 2. */
function nestingDepth(location: string): number {
  let depth = location.startsWith('node_modules/') ? 1 : 0;
  for (let at = location.indexOf('/node_modules/'); at >= 0; at = location.indexOf('/node_modules/', at + 1)) depth += 1;
  return depth;
}
