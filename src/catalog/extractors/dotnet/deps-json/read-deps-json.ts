/**
 * Reads a .NET `<app>.deps.json` (written by the SDK beside a built or published app): `libraries` lists every
 * library of the app as `"Name/Version": {type, sha512, …}`, and `targets[runtimeTarget.name]` says, per library,
 * which assets it deploys (`runtime`, `runtimeTargets`, `native`) and what it depends on.
 * https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md
 */

/** One library of the app that is a NuGet package (or the runtime pack of a self-contained app). */
export interface DepsPackage {
  name: string;
  version: string;
  /** `sha512-…` as `libraries` records it, when not empty. */
  sha512?: string;
  /** A direct dependency of the app's root project; undefined when the root or its dependencies are unknown. */
  direct?: boolean;
  /** Names of the packages of this file it depends on, per the runtime target. */
  dependsOn: string[];
}

export type DepsResult = { ok: true; packages: DepsPackage[] } | { ok: false; reason: string };

/**
 * A self-contained app bundles the runtime as `runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0`: that is
 * the NuGet package `Microsoft.NETCore.App.Runtime.linux-x64`, and advisories against the runtime name it so.
 */
const runtimePackPrefix = 'runtimepack.';
const maxLibraries = 100_000;
const maxDependencies = 4096;
const maxNameLength = 512;
// NuGet ids and versions have no blanks or control characters.
const printable = /^[^\s\u0000-\u001f\u007f]+$/;

interface TargetEntry {
  dependencies: Map<string, string>;
  /** Deploys something at run time (a `runtime`, `runtimeTargets` or `native` section is present). */
  deploys: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripRuntimePack(name: string): string {
  return name.startsWith(runtimePackPrefix) && name.length > runtimePackPrefix.length ? name.slice(runtimePackPrefix.length) : name;
}

/** NuGet ids and versions compare case-insensitively. */
function idOf(name: string, version: string): string {
  return `${stripRuntimePack(name)}/${version}`.toLowerCase();
}

/** `Name/Version` → its parts, or undefined when the key has no version. */
function splitKey(key: string): { name: string; version: string } | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1 || key.length > maxNameLength) return undefined;
  const name = key.slice(0, slash).trim();
  const version = key.slice(slash + 1).trim();
  return printable.test(name) && printable.test(version) ? { name, version } : undefined;
}

function readTarget(target: Record<string, unknown>): Map<string, TargetEntry> {
  const entries = new Map<string, TargetEntry>();
  for (const [key, value] of Object.entries(target).slice(0, maxLibraries)) {
    const parts = splitKey(key);
    if (parts === undefined || !isRecord(value)) continue;
    const dependencies = new Map<string, string>();
    const deps = value['dependencies'];
    if (isRecord(deps)) {
      for (const [name, version] of Object.entries(deps).slice(0, maxDependencies)) {
        if (typeof version === 'string' && name.length <= maxNameLength) dependencies.set(idOf(name, version), stripRuntimePack(name));
      }
    }
    const present = (section: string): boolean => value[section] !== undefined && value[section] !== null;
    entries.set(idOf(parts.name, parts.version), { dependencies, deploys: present('runtime') || present('runtimeTargets') || present('native') });
  }
  return entries;
}

/**
 * The libraries that are packages, as trivy reads them: `project` libraries (the app and the projects it
 * references) are the app itself, not packages, and give the root; with the runtime target known, a package that
 * deploys nothing at run time (a compile-time reference such as `NETStandard.Library`) is left out, while one the
 * target does not list is kept, since nothing says it is not deployed.
 */
export function readDepsJson(root: unknown): DepsResult {
  if (!isRecord(root)) return { ok: false, reason: 'not a .deps.json: the top level is not an object' };
  const libraries = root['libraries'];
  const targets = root['targets'];
  if (libraries === undefined && targets === undefined) return { ok: false, reason: 'not a .deps.json: no "libraries" or "targets"' };
  if (libraries !== undefined && !isRecord(libraries)) return { ok: false, reason: '"libraries" is not an object' };
  const runtimeTarget = isRecord(root['runtimeTarget']) ? root['runtimeTarget']['name'] : undefined;
  const target = typeof runtimeTarget === 'string' && isRecord(targets) && Object.hasOwn(targets, runtimeTarget) ? targets[runtimeTarget] : undefined;
  const targetEntries = isRecord(target) ? readTarget(target) : undefined;

  const packages = new Map<string, DepsPackage>();
  const projects: string[] = [];
  for (const [key, library] of Object.entries(libraries ?? {}).slice(0, maxLibraries)) {
    const parts = splitKey(key);
    if (parts === undefined || parts.name === '' || parts.version === '' || !isRecord(library)) continue;
    const type = typeof library['type'] === 'string' ? library['type'].toLowerCase() : '';
    const id = idOf(parts.name, parts.version);
    if (type === 'project') {
      projects.push(id);
      continue;
    }
    if (type !== 'package' && type !== 'runtimepack') continue;
    const entry = targetEntries?.get(id);
    if (entry !== undefined && !entry.deploys) continue;
    const pkg: DepsPackage = { name: stripRuntimePack(parts.name), version: parts.version, dependsOn: [] };
    const sha512 = library['sha512'];
    if (typeof sha512 === 'string' && sha512 !== '' && sha512.length <= 1024) pkg.sha512 = sha512;
    if (!packages.has(id)) packages.set(id, pkg);
  }
  if (targetEntries === undefined) return { ok: true, packages: [...packages.values()] };

  // The root project is the one no other library depends on; with several candidates it is unknown.
  const referenced = new Set<string>();
  for (const entry of targetEntries.values()) for (const dep of entry.dependencies.keys()) referenced.add(dep);
  const roots = projects.filter((p) => !referenced.has(p));
  const rootDeps = roots.length === 1 ? targetEntries.get(roots[0]!)?.dependencies : undefined;

  for (const [id, pkg] of packages) {
    if (rootDeps !== undefined && rootDeps.size > 0) pkg.direct = rootDeps.has(id);
    const entry = targetEntries.get(id);
    if (entry === undefined) continue;
    const names = new Set<string>();
    for (const dep of entry.dependencies.keys()) {
      const to = packages.get(dep);
      if (to !== undefined && to !== pkg) names.add(to.name);
    }
    pkg.dependsOn = [...names].sort();
  }
  return { ok: true, packages: [...packages.values()] };
}
