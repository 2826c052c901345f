/**
 * Which upgrades `grout fix` asks the resolver for: the advisory-driven ones (findings with a fixed version), and —
 * unless turned off — every update a security suite of the image's archive has, whether or not the vulnerability
 * database has an advisory for it (vulnerability data lags the archive). Pure.
 */
import type { SecurityUpdate } from './apt/security-suite.js';
import type { WantedFix } from './apt/resolve.js';
import type { WantedPlan } from './plan.js';

export interface PlannedSecurityUpdate extends SecurityUpdate {
  /** Advisory ids (from findings) the same upgrade fixes; empty when no advisory in the database names it. */
  advisories: string[];
}

export interface SecurityPlanOptions {
  /**
   * Plan security-suite updates no selected finding asks for. False with `--severity` (only updates with a
   * matching advisory are kept) and with `--no-security-updates` (no security-suite updates at all).
   */
  includeUnadvised: boolean;
}

export interface CombinedPlan {
  /** What the resolver is asked for, sorted by name. */
  fixes: WantedFix[];
  /** The security-suite updates in the plan. */
  securityUpdates: PlannedSecurityUpdate[];
  /** Security-suite updates left out because no selected advisory matches them (`--severity`). */
  leftOut: SecurityUpdate[];
}

/**
 * Merge advisory-driven upgrades with security-suite updates: an update for a source an advisory already wants
 * joins that fix's reason; one no advisory wants is planned on its own (or left out, see options).
 * @example combinePlan(wantedUpgrades(report), securityUpdates(installed, repos.releaseIndexes, 'amd64'), { includeUnadvised: true })
 */
export function combinePlan(wanted: WantedPlan, updates: readonly SecurityUpdate[], options: SecurityPlanOptions): CombinedPlan {
  const bySource = new Map(wanted.upgrades.map((u) => [u.source, u]));
  const suitesFor = new Map<string, string[]>();
  const securityUpdates: PlannedSecurityUpdate[] = [];
  const leftOut: SecurityUpdate[] = [];
  const fixes: WantedFix[] = [];
  for (const u of updates) {
    const advised = u.by === 'source' ? bySource.get(u.name) : undefined;
    if (advised === undefined && !options.includeUnadvised) {
      leftOut.push(u);
      continue;
    }
    securityUpdates.push({ ...u, advisories: advised === undefined ? [] : advised.fixes.map((f) => f.id) });
    if (advised !== undefined) suitesFor.set(u.name, [...(suitesFor.get(u.name) ?? []), u.suite]);
    else fixes.push({ name: u.name, minimum: u.candidate, by: u.by, reason: `security update in ${u.suite}` });
  }
  for (const u of wanted.upgrades) {
    const suites = suitesFor.get(u.source);
    const because = `fixes ${u.fixes.map((f) => f.id).join(', ')}`;
    fixes.push({ name: u.source, minimum: u.minimum, by: 'source', reason: suites === undefined ? because : `${because}; security update in ${[...new Set(suites)].join(', ')}` });
  }
  fixes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { fixes, securityUpdates, leftOut };
}
