import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';

/**
 * One lockfile may name the same name@version at several places (nested copies, peer variants). The catalog
 * identifies a package by coordinates and evidence, so they are merged into one: dependency names are united,
 * `dev` stays only when every copy is dev, `direct` when any copy is direct. Sorted by name, then version.
 */
export function mergeAndSort(packages: readonly ExtractedPackage[]): ExtractedPackage[] {
  const byKey = new Map<string, ExtractedPackage>();
  for (const pkg of packages) {
    const key = `${pkg.name}\0${pkg.version}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, { ...pkg, ...(pkg.dependsOn ? { dependsOn: [...pkg.dependsOn] } : {}) });
      continue;
    }
    mergeInto(seen, pkg);
  }
  const out = [...byKey.values()];
  for (const pkg of out) {
    if (pkg.dependsOn !== undefined) pkg.dependsOn = [...new Set(pkg.dependsOn)].sort(compareText);
  }
  return out.sort((a, b) => compareText(a.name, b.name) || compareText(a.version, b.version));
}

function mergeInto(target: ExtractedPackage, other: ExtractedPackage): void {
  if (other.dependsOn?.length) target.dependsOn = [...(target.dependsOn ?? []), ...other.dependsOn];
  for (const licence of other.licenses) if (!target.licenses.includes(licence)) target.licenses = [...target.licenses, licence];
  const a = target.metadata?.kind === 'language' ? target.metadata : undefined;
  const b = other.metadata?.kind === 'language' ? other.metadata : undefined;
  if (a === undefined || b === undefined) return;
  const merged: LanguageMetadata = { ...a };
  if (a.dev === true && b.dev !== true) {
    if (b.dev === false) merged.dev = false;
    else delete merged.dev;
  }
  if (b.direct === true) merged.direct = true;
  if (merged.resolved === undefined && b.resolved !== undefined) merged.resolved = b.resolved;
  if (merged.integrity === undefined && b.integrity !== undefined) merged.integrity = b.integrity;
  target.metadata = merged;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
