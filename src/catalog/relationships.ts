import type { ExtractedPackage, Package, Relationship } from '../core/model.js';

/**
 * Resolve the dependency names packages declare (dpkg Depends, apk D:, rpm Requires) to the packages of the same
 * ecosystem that are installed under that name or provide it. Unresolvable names (virtual packages nobody
 * provides, file dependencies) are left out.
 */
export function resolveDependencies(pairs: { pkg: Package; extracted: ExtractedPackage }[]): Relationship[] {
  const byId = new Map(pairs.map(({ pkg, extracted }) => [pkg.id, extracted]));
  const all = pairs.map(({ pkg }) => pkg);
  const providers = new Map<string, string[]>();
  const provide = (ecosystem: string, name: string, id: string): void => {
    const key = `${ecosystem}\0${comparableName(ecosystem, name)}`;
    const list = providers.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    providers.set(key, list);
  };
  for (const pkg of all) {
    provide(pkg.ecosystem, pkg.name, pkg.id);
    for (const p of providesOf(byId.get(pkg.id)!)) provide(pkg.ecosystem, p, pkg.id);
    // rpm may require a file (`/bin/sh`): whoever owns it provides it.
    if (pkg.ecosystem === 'rpm') for (const file of pkg.files) provide(pkg.ecosystem, `/${file}`, pkg.id);
  }
  const seen = new Set<string>();
  const out: Relationship[] = [];
  for (const pkg of all) {
    for (const dep of byId.get(pkg.id)!.dependsOn ?? []) {
      for (const to of providers.get(`${pkg.ecosystem}\0${comparableName(pkg.ecosystem, bareName(dep))}`) ?? []) {
        const key = `${pkg.id}\0${to}`;
        if (to === pkg.id || seen.has(key)) continue;
        seen.add(key);
        out.push({ from: pkg.id, to, type: 'depends-on' });
      }
    }
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
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
