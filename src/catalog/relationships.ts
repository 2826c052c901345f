import type { ExtractedPackage, Package, Relationship } from '../core/model.js';
import { isOsEcosystem } from '../core/purl.js';

/**
 * Resolve the dependency names packages declare (dpkg Depends, apk D:, rpm Requires) to the packages of the same
 * ecosystem that are installed under that name or provide it. Unresolvable names (virtual packages nobody
 * provides, file dependencies) are left out.
 */
export function resolveDependencies(pairs: { pkg: Package; extracted: ExtractedPackage }[]): Relationship[] {
  const byId = new Map(pairs.map(({ pkg, extracted }) => [pkg.id, extracted]));
  const all = pairs.map(({ pkg }) => pkg);
  const providers = new Map<string, Package[]>();
  const provide = (pkg: Package, name: string): void => {
    const key = `${pkg.ecosystem}\0${comparableName(pkg.ecosystem, name)}`;
    const list = providers.get(key) ?? [];
    if (!list.includes(pkg)) list.push(pkg);
    providers.set(key, list);
  };
  for (const pkg of all) {
    provide(pkg, pkg.name);
    for (const p of providesOf(byId.get(pkg.id)!)) provide(pkg, p);
    // rpm may require a file (`/bin/sh`): whoever owns it provides it.
    if (pkg.ecosystem === 'rpm') for (const file of pkg.files) provide(pkg, `/${file}`);
  }
  const seen = new Set<string>();
  const out: Relationship[] = [];
  for (const pkg of all) {
    for (const dep of byId.get(pkg.id)!.dependsOn ?? []) {
      const candidates = providers.get(`${pkg.ecosystem}\0${comparableName(pkg.ecosystem, bareName(dep))}`) ?? [];
      for (const to of scopeProviders(pkg, candidates)) {
        const key = `${pkg.id}\0${to.id}`;
        if (to.id === pkg.id || seen.has(key)) continue;
        seen.add(key);
        out.push({ from: pkg.id, to: to.id, type: 'depends-on' });
      }
    }
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

/**
 * Which of the packages with a dependency's name the dependent really uses. OS packages share one database, so
 * any provider counts. An application package's dependency is looked for in its own evidence file first (one
 * lockfile), then, for installed npm packages, where Node's module resolution finds it (the nearest
 * `node_modules` up the tree); failing both, only an unambiguous single provider counts — another project's copy
 * of a library in the same image is not this project's dependency.
 */
function scopeProviders(pkg: Package, candidates: Package[]): Package[] {
  if (isOsEcosystem(pkg.ecosystem) || candidates.length <= 1) return candidates;
  const evidence = pkg.locations[0]?.path;
  const sameFile = candidates.filter((c) => c.locations[0]?.path === evidence);
  if (sameFile.length > 0) return sameFile;
  if (pkg.ecosystem === 'npm' && evidence?.endsWith('/package.json')) {
    const name = candidates[0]!.name;
    for (const dir of nodeLookupDirs(evidence.slice(0, -'/package.json'.length))) {
      const path = `${dir}${name}/package.json`;
      const found = candidates.filter((c) => c.locations[0]?.path === path);
      if (found.length > 0) return found;
    }
  }
  return [];
}

/** Node's lookup folders for a package directory: `<dir>/node_modules/`, then each ancestor's, outermost last. */
function nodeLookupDirs(packageDir: string): string[] {
  const parts = packageDir.split('/');
  const dirs: string[] = [];
  for (let i = parts.length; i >= 0; i--) {
    if (i > 0 && parts[i - 1] === 'node_modules') continue;
    const prefix = parts.slice(0, i).join('/');
    dirs.push(prefix ? `${prefix}/node_modules/` : 'node_modules/');
  }
  return dirs;
}

/** Names as the ecosystem compares them: PyPI per PEP 503 (case and `-_.` runs do not matter), others exactly. */
function comparableName(ecosystem: string, name: string): string {
  return ecosystem === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

function providesOf(pkg: ExtractedPackage): string[] {
  const meta = pkg.metadata;
  if (meta && (meta.kind === 'dpkg' || meta.kind === 'apk' || meta.kind === 'rpm')) return (meta.provides ?? []).map(bareName);
  return [];
}

/**
 * `libc6 (>= 2.36)` → `libc6`; `so:libc.musl-x86_64.so.1=1` → `so:libc.musl-x86_64.so.1`; `perl:any` → `perl`;
 * rpm's `libc.so.6()(64bit)` is kept whole (its parentheses are part of the name).
 */
export function bareName(spec: string): string {
  const trimmed = spec.trim();
  if (/^[^\s(]+\(.*\)(\(64bit\))?$/.test(trimmed)) return trimmed;
  let name = trimmed.split(/[\s(<>=]/, 1)[0] ?? '';
  if (name.endsWith(':any') || name.endsWith(':native')) name = name.slice(0, name.lastIndexOf(':'));
  return name;
}
