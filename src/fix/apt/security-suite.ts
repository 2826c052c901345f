/**
 * Fix availability as a fact of the archive, not an advisory's claim: the repositories whose signed release file
 * marks them as a security suite, and the installed packages of which such a suite has a newer version. Pure.
 * Debian: `Label: Debian-Security`, `Codename: bookworm-security` (Suite `oldstable-security`); Ubuntu: the
 * `<codename>-security` pocket. https://wiki.debian.org/DebianRepository/Format#Suite
 */
import { debScheme } from '../../version/index.js';
import type { PackagesIndex, RepoPackage } from './packages-index.js';
import type { Release } from './release.js';
import type { InstalledDeb, WantedFix } from './resolve.js';

/** One verified release and the packages it offers for the image's architecture. */
export interface ReleaseIndex {
  release: Release;
  index: PackagesIndex;
}

/** A source package (or a lone binary) that a security suite has newer than installed. */
export interface SecurityUpdate {
  /** The source package name; with `by: 'package'`, a binary name (a rebuild whose source version did not move). */
  name: string;
  by: 'source' | 'package';
  installed: string;
  /** The highest version the security suite offers (source version with `by: 'source'`). */
  candidate: string;
  /** The suite as the image's sources name it, e.g. `bookworm-security`. */
  suite: string;
  /** Installed binaries it upgrades, `name:arch`, sorted. */
  binaries: string[];
}

type SecurityFields = Pick<Release, 'suite' | 'codename' | 'label'> & { source: Pick<Release['source'], 'suite'> };

/** Does the release call itself a security suite? (Suite or Codename `*-security`, or Label `Debian-Security`.) */
export function isSecurityRelease(release: SecurityFields): boolean {
  const suffixed = (s: string | undefined): boolean => s !== undefined && /-security\/?$/i.test(s.trim());
  return suffixed(release.suite) || suffixed(release.codename) || suffixed(release.source.suite) || release.label?.trim().toLowerCase() === 'debian-security';
}

/** The name to show for a security release: what the sources line asked for, else the release's own fields. */
export function securitySuiteName(release: SecurityFields): string {
  const named = release.source.suite.replace(/\/$/, '');
  return named !== '' && named !== '.' ? named : (release.codename ?? release.suite ?? 'security');
}

/**
 * Every installed package a security release offers in a newer version, grouped by source package (all binaries
 * of a source move together). Sorted by name.
 * @example securityUpdates(installed, repos.releaseIndexes, 'amd64').map((u) => `${u.name} ${u.installed} → ${u.candidate}`)
 */
export function securityUpdates(installed: readonly InstalledDeb[], releases: readonly ReleaseIndex[], arch: string): SecurityUpdate[] {
  const updates = new Map<string, SecurityUpdate>();
  for (const { release, index } of releases) {
    if (!isSecurityRelease(release)) continue;
    const suite = securitySuiteName(release);
    for (const p of installed) {
      const candidate = highestNewer(index.packages.get(p.name) ?? [], p, arch);
      if (candidate === undefined) continue;
      const source = p.source ?? p.name;
      const installedSource = p.sourceVersion ?? p.version;
      const bySource = (debScheme.compare(candidate.sourceVersion, installedSource) ?? -1) > 0;
      const key = bySource ? `source ${source}` : `package ${p.name}`;
      const version = bySource ? candidate.sourceVersion : candidate.version;
      let u = updates.get(key);
      if (u === undefined) {
        u = { name: bySource ? source : p.name, by: bySource ? 'source' : 'package', installed: bySource ? installedSource : p.version, candidate: version, suite, binaries: [] };
        updates.set(key, u);
      } else if ((debScheme.compare(version, u.candidate) ?? 0) > 0) {
        u.candidate = version;
        u.suite = suite;
      }
      const label = `${p.name}:${p.arch}`;
      if (!u.binaries.includes(label)) u.binaries.push(label);
    }
  }
  for (const u of updates.values()) u.binaries.sort();
  return [...updates.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.by < b.by ? -1 : a.by > b.by ? 1 : 0));
}

/** The wanted fix for an update, for the resolver. */
export function securityWantedFix(u: SecurityUpdate): WantedFix {
  return { name: u.name, minimum: u.candidate, by: u.by, reason: `security update in ${u.suite}` };
}

function highestNewer(offered: readonly RepoPackage[], p: InstalledDeb, native: string): RepoPackage | undefined {
  const slot = (a: string): string => (a === 'all' ? native : a);
  let best: RepoPackage | undefined;
  for (const c of offered) {
    if (slot(c.arch) !== slot(p.arch) || (debScheme.compare(c.version, p.version) ?? -1) <= 0) continue;
    if (best === undefined || (debScheme.compare(c.version, best.version) ?? 0) > 0) best = c;
  }
  return best;
}
