/**
 * Matching one package: its queries, the store's rows for each, a verdict per row, alias groups, findings.
 *
 * The distro's triage wins: when any feed says a release of a source package is **not affected** by a
 * vulnerability (Debian tracker `<not-affected>` / fixed version `0`, Alpine secfix `0`), no other feed's affected
 * verdict for the same vulnerability id, release ecosystem and package makes a finding — an OSV distro record or
 * a DSA cannot override the distro's own "this release never was affected".
 */
import type { Finding } from '../core/finding.js';
import type { Inventory, Package } from '../core/model.js';
import { normalizePackageName } from '../vulndb/package-name.js';
import type { AdvisoryStore } from '../vulndb/store.js';
import { groupByAliases, membersOf, type GroupMember } from './alias-groups.js';
import { buildFinding, type QueriedVerdict } from './build-finding.js';
import { decide, type DecideOptions } from './decide.js';
import { packageQueries, type QueryOptions } from './queries.js';

export type MatchOptions = DecideOptions & QueryOptions;

/** A vulnerability the distro says this package's release is not affected by: explains why nothing matched. */
export interface NotAffectedNote {
  ecosystem: string;
  name: string;
  advisory: string;
  feed: string;
  ids: string[];
  reason: string;
}

export interface PackageMatch {
  findings: Finding[];
  notAffected: NotAffectedNote[];
  /** Why the package was not looked up at all. */
  reason?: string;
}

export function matchPackage(pkg: Package, inv: Pick<Inventory, 'image' | 'distro'>, store: AdvisoryStore, options: MatchOptions = {}): PackageMatch {
  const plan = packageQueries(pkg, inv.distro, options);
  const members: GroupMember<QueriedVerdict>[] = [];
  const notAffected: NotAffectedNote[] = [];
  const notAffectedKeys = new Set<string>();
  for (const query of plan.queries) {
    const rows = store.affecting(query.ecosystem, normalizePackageName(query.ecosystem, query.name));
    for (const verdict of decide(pkg, query, rows, options)) {
      const advisory = verdict.row.advisory;
      if (verdict.kind === 'not-affected') {
        const ids = membersOf(undefined, advisory).flatMap((m) => m.keys);
        for (const id of ids) notAffectedKeys.add(`${query.ecosystem}\u0000${id}`);
        notAffected.push({ ecosystem: query.ecosystem, name: query.name, advisory: advisory.id, feed: advisory.feed, ids, reason: verdict.reason });
      } else {
        members.push(...membersOf({ query, verdict }, advisory));
      }
    }
  }
  const kept = members.filter((m) => !m.keys.some((k) => notAffectedKeys.has(`${m.item.query.ecosystem}\u0000${k}`)));
  const findings = groupByAliases(kept).map((group) => buildFinding(pkg, inv, group, store));
  const result: PackageMatch = { findings, notAffected };
  if (plan.reason !== undefined) result.reason = plan.reason;
  return result;
}
