/**
 * The first, pure step of `grout fix`: which OS packages must be upgraded, to at least which version, to fix which
 * findings — and what cannot be fixed this way, and why. The repository layer (fix/apt) then finds real candidates.
 */
import type { Finding, ScanReport, SeverityLevel } from '../core/finding.js';
import type { Package } from '../core/model.js';
import { debScheme } from '../version/index.js';

/** One source package to upgrade: every installed binary built from it, and the lowest version that fixes all. */
export interface WantedUpgrade {
  source: string;
  /** The installed source version. */
  installed: string;
  /** The lowest source version that fixes every finding below (the highest of their fix targets). */
  minimum: string;
  /** Installed binary packages built from this source (inventory package ids and names). */
  binaries: { id: string; name: string; arch?: string; version: string }[];
  /** The findings this upgrade fixes, by id. */
  fixes: { id: string; target: string }[];
}

export interface NotFixable {
  packageId: string;
  package: string;
  version: string;
  id: string;
  reason: string;
}

export interface FixPlanInput {
  /** Only findings of these severities are planned (default: all). */
  severities?: readonly SeverityLevel[];
}

export interface WantedPlan {
  upgrades: WantedUpgrade[];
  notFixable: NotFixable[];
}

const DEB_DISTROS = new Set(['debian', 'ubuntu']);

/**
 * Group the report's fixable Debian/Ubuntu findings by source package. A finding's target is the lowest fixed
 * version above what is installed (advisories give several: one per release line). Language packages, unfixed
 * distro states and suppressed findings are listed as not fixable here, each with the reason.
 */
export function wantedUpgrades(report: ScanReport, input: FixPlanInput = {}): WantedPlan {
  const severities = input.severities ? new Set(input.severities) : undefined;
  const byId = new Map(report.inventory.packages.map((p) => [p.id, p]));
  const bySource = new Map<string, WantedUpgrade>();
  const notFixable: NotFixable[] = [];
  const distroOk = report.distro !== undefined && DEB_DISTROS.has(report.distro.id);
  for (const f of report.findings) {
    if (f.suppression !== undefined || (f.kind !== 'vulnerability' && f.kind !== 'malicious')) continue;
    if (severities && !severities.has(f.severity)) continue;
    const pkg = byId.get(f.package.id);
    const skip = (reason: string): void => {
      notFixable.push({ packageId: f.package.id, package: f.package.name, version: f.package.version, id: f.id, reason });
    };
    if (pkg === undefined) {
      skip('the package is not in the inventory');
      continue;
    }
    if (pkg.ecosystem !== 'deb') {
      const target = targetOf(f, pkg.version, undefined);
      skip(target ? `a ${pkg.ecosystem} dependency: upgrade it to ${target} in the application and rebuild` : `a ${pkg.ecosystem} dependency with no fixed version yet`);
      continue;
    }
    if (!distroOk) {
      skip(`grout fix patches Debian and Ubuntu images; this one is ${report.distro?.id ?? 'of an unknown distribution'}`);
      continue;
    }
    if (f.state !== 'fixed') {
      skip(stateReason(f));
      continue;
    }
    const installed = pkg.source?.version ?? pkg.version;
    const target = targetOf(f, installed, debScheme.compare);
    if (target === undefined) {
      skip(`no fixed version above ${installed} among ${f.fixedVersions.join(', ') || 'none'}`);
      continue;
    }
    const source = pkg.source?.name ?? pkg.name;
    let wanted = bySource.get(source);
    if (wanted === undefined) {
      wanted = { source, installed, minimum: target, binaries: [], fixes: [] };
      bySource.set(source, wanted);
    }
    if ((debScheme.compare(target, wanted.minimum) ?? 0) > 0) wanted.minimum = target;
    if (!wanted.binaries.some((b) => b.id === pkg.id)) wanted.binaries.push(binary(pkg));
    if (!wanted.fixes.some((x) => x.id === f.id)) wanted.fixes.push({ id: f.id, target });
  }
  // Every installed binary of an upgraded source moves with it (dpkg's `= ${binary:Version}` pins demand it).
  for (const wanted of bySource.values()) {
    for (const p of report.inventory.packages) {
      if (p.ecosystem === 'deb' && (p.source?.name ?? p.name) === wanted.source && !wanted.binaries.some((b) => b.id === p.id)) wanted.binaries.push(binary(p));
    }
    wanted.binaries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    wanted.fixes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  const upgrades = [...bySource.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  notFixable.sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { upgrades, notFixable };
}

function binary(p: Package): WantedUpgrade['binaries'][number] {
  return { id: p.id, name: p.name, version: p.version, ...(p.arch ? { arch: p.arch } : {}) };
}

/** The lowest fixed version above `installed`; with no scheme, the first listed (fixedVersions are sorted). */
function targetOf(f: Finding, installed: string, compare: ((a: string, b: string) => number | undefined) | undefined): string | undefined {
  if (compare === undefined) return f.fixedVersions[0];
  const above = f.fixedVersions.filter((v) => (compare(v, installed) ?? -1) > 0);
  above.sort((a, b) => compare(a, b) ?? 0);
  return above[0];
}

function stateReason(f: Finding): string {
  switch (f.state) {
    case 'unfixed':
      return 'the distribution has not released a fix yet';
    case 'will-not-fix':
      return 'the distribution decided not to fix it in this release (no-dsa / ignored)';
    case 'end-of-life':
      return 'the package is no longer supported in this release';
    case 'unimportant':
      return 'the distribution rates it unimportant and ships no fix';
    case 'unknown':
      return 'grout could not tell whether the installed version is affected';
    case 'fixed':
      return 'fixed';
  }
}
