/**
 * Matching a whole inventory: every package through `matchPackage`, findings in risk order. Packages are
 * independent, so the work is N indexed look-ups in the store plus pure comparisons.
 */
import type { Finding } from '../core/finding.js';
import type { Inventory } from '../core/model.js';
import type { AdvisoryStore } from '../vulndb/store.js';
import { matchPackage, type MatchOptions, type NotAffectedNote } from './match-package.js';
import { sortByRisk } from './risk.js';

export interface MatchInventoryOptions extends MatchOptions {
  /** The clock (reserved for time-dependent rules; matching itself does not read it). */
  now?: Date;
}

/** Why some packages were not looked up: one note per reason, with how many packages it covers. */
export interface UnmatchedNote {
  reason: string;
  packages: number;
  /** Up to a few example package ids. */
  examples: string[];
}

export interface MatchReport {
  findings: Finding[];
  unmatched: UnmatchedNote[];
  notAffected: (NotAffectedNote & { packageId: string })[];
}

/**
 * @example
 * const findings = matchInventory(inventory, store, { now: new Date() });
 * findings[0]; // the most urgent: { id: 'CVE-2021-44228', kev: {…}, severity: 'critical', … }
 */
export function matchInventory(inv: Inventory, store: AdvisoryStore, options: MatchInventoryOptions = {}): Finding[] {
  return matchInventoryReport(inv, store, options).findings;
}

/** `matchInventory` with the notes a report can use to explain what was not matched, and why. */
export function matchInventoryReport(inv: Inventory, store: AdvisoryStore, options: MatchInventoryOptions = {}): MatchReport {
  const findings: Finding[] = [];
  const notAffected: MatchReport['notAffected'] = [];
  const unmatched = new Map<string, UnmatchedNote>();
  for (const pkg of inv.packages) {
    const result = matchPackage(pkg, inv, store, options);
    findings.push(...result.findings);
    for (const n of result.notAffected) notAffected.push({ ...n, packageId: pkg.id });
    if (result.reason !== undefined) {
      // Reasons that concern a whole kind (rpm without a feed, an unknown release) are said once, with a count.
      const note = unmatched.get(result.reason) ?? { reason: result.reason, packages: 0, examples: [] };
      note.packages++;
      if (note.examples.length < 3) note.examples.push(pkg.id);
      unmatched.set(result.reason, note);
    }
  }
  return { findings: sortByRisk(findings), unmatched: [...unmatched.values()].sort((a, b) => (a.reason < b.reason ? -1 : 1)), notAffected };
}
