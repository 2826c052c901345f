/**
 * The resolver's view of an installed package, from either of the two places the fix orchestrator has one: a dpkg
 * status paragraph (all relationship fields, Multi-Arch) or an inventory Package (what the catalog kept).
 */
import type { Package } from '../../core/model.js';
import type { MultiArch } from './packages-index.js';
import type { InstalledDeb } from './resolve.js';

const MULTI_ARCH = new Set(['no', 'same', 'foreign', 'allowed']);

/**
 * From a status paragraph's fields (`get('Package')`…). Undefined when the package is not installed
 * (Status other than `install ok installed`, e.g. config-files) or lacks a name, version or architecture.
 * @example installedDebFromFields((f) => fieldValue(paragraph, f))
 */
export function installedDebFromFields(get: (field: string) => string | undefined): InstalledDeb | undefined {
  const name = get('Package');
  const version = get('Version');
  const arch = get('Architecture');
  const status = get('Status');
  if (name === undefined || version === undefined || arch === undefined) return undefined;
  // Distroless status.d paragraphs carry no Status field: they are installed by construction.
  if (status !== undefined && !/\binstalled$/.test(status.trim())) return undefined;
  const deb: InstalledDeb = { name, version, arch };
  const source = /^(\S+)(?:\s*\(([^)\s]+)\))?$/.exec((get('Source') ?? '').trim());
  if (source !== null && source[1] !== undefined) {
    deb.source = source[1];
    deb.sourceVersion = source[2] ?? version;
  } else {
    deb.source = name;
    deb.sourceVersion = version;
  }
  const multiArch = (get('Multi-Arch') ?? 'no').toLowerCase();
  deb.multiArch = (MULTI_ARCH.has(multiArch) ? multiArch : 'no') as MultiArch;
  const fields: [keyof InstalledDeb, string][] = [
    ['depends', 'Depends'],
    ['preDepends', 'Pre-Depends'],
    ['provides', 'Provides'],
    ['breaks', 'Breaks'],
    ['conflicts', 'Conflicts'],
  ];
  for (const [key, field] of fields) {
    const value = get(field);
    if (value !== undefined && value.trim() !== '') (deb as unknown as Record<string, string>)[key] = value;
  }
  return deb;
}

/** From an inventory package (deb ecosystem only); Breaks/Conflicts/Multi-Arch are not in the inventory. */
export function installedDebFromPackage(p: Package, nativeArch: string): InstalledDeb | undefined {
  if (p.ecosystem !== 'deb') return undefined;
  const deb: InstalledDeb = { name: p.name, version: p.version, arch: p.arch ?? nativeArch, source: p.source?.name ?? p.name, sourceVersion: p.source?.version ?? p.version };
  if (p.metadata?.kind === 'dpkg') {
    if (p.metadata.depends !== undefined) deb.depends = p.metadata.depends;
    if (p.metadata.preDepends !== undefined) deb.preDepends = p.metadata.preDepends;
    if (p.metadata.provides !== undefined) deb.provides = p.metadata.provides;
  }
  return deb;
}
