/**
 * The verdict of one advisory entry on one package (DESIGN: matchers decide with pure functions).
 *
 * - status `affected`: the OSV ranges and `versions[]` decide (`evaluateOsvAffected`); an entry with neither is
 *   read as "every version" (OSV leaves it open; missing data must not read as "safe");
 * - `unfixed`, `will-not-fix`, `end-of-life`, `unimportant`: affected whatever the version, unless the entry
 *   also carries ranges that exclude it;
 * - `not-affected`: no finding, but the verdict is returned so matching can let the distro's triage win (see
 *   `match-package.ts`);
 * - a version or range the scheme cannot read: an `unknown` verdict with the reason, never dropped;
 * - Ubuntu's `binaries` limit an entry to those binary packages of the source;
 * - informational advisories (unmaintained, unsound, notice) only when `includeNotices`.
 */
import type { AffectedStatus } from '../core/finding.js';
import type { Package } from '../core/model.js';
import { evaluateOsvAffected } from '../version/index.js';
import type { AffectedRow } from '../vulndb/store.js';
import type { PackageQuery } from './queries.js';
import { rangeSchemes } from './schemes.js';

export type AffectingStatus = Exclude<AffectedStatus, 'not-affected'>;

export type Verdict =
  | { kind: 'affected'; row: AffectedRow; status: AffectingStatus; matched: string; fixed: string[] }
  | { kind: 'unknown'; row: AffectedRow; status: AffectingStatus; reason: string; fixed: string[] }
  | { kind: 'not-affected'; row: AffectedRow; reason: string };

export interface DecideOptions {
  includeNotices?: boolean;
}

const NOTICE_KINDS = new Set(['unmaintained', 'unsound', 'notice']);

export function decide(pkg: Package, query: PackageQuery, rows: readonly AffectedRow[], options: DecideOptions = {}): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const row of rows) {
    const verdict = decideRow(pkg, query, row, options);
    if (verdict !== undefined) verdicts.push(verdict);
  }
  return verdicts;
}

function decideRow(pkg: Package, query: PackageQuery, row: AffectedRow, options: DecideOptions): Verdict | undefined {
  const { advisory, affected } = row;
  if (NOTICE_KINDS.has(advisory.kind) && options.includeNotices !== true) return undefined;
  if (affected.ecosystem !== query.ecosystem) return undefined;
  if (pkg.ecosystem === 'deb' && affected.binaries !== undefined && affected.binaries.length > 0 && !affected.binaries.includes(pkg.name)) return undefined;

  if (affected.status === 'not-affected') {
    return { kind: 'not-affected', row, reason: affected.note ?? `${advisory.feed} says ${query.ecosystem} ${query.name} is not affected` };
  }
  const hasVersionData = affected.ranges.some((r) => r.type === 'ECOSYSTEM' || r.type === 'SEMVER') || affected.versions.length > 0;
  if (!hasVersionData) {
    // Only GIT ranges (commits) and no versions list: nothing grout can compare; with no data at all, every version.
    if (affected.ranges.length > 0) return { kind: 'unknown', row, status: affected.status, reason: 'only GIT (commit) ranges, no versions to compare', fixed: [] };
    return { kind: 'affected', row, status: affected.status, matched: affected.status === 'affected' ? 'every version (no ranges)' : affected.status, fixed: [] };
  }
  const verdict = evaluateOsvAffected(query.version, affected, rangeSchemes(query.scheme));
  switch (verdict.status) {
    case 'affected':
      return { kind: 'affected', row, status: affected.status, matched: verdict.matched, fixed: verdict.fixed };
    case 'unknown':
      return { kind: 'unknown', row, status: affected.status, reason: verdict.reason, fixed: fixedEvents(row) };
    case 'not-affected':
      return undefined;
  }
}

function fixedEvents(row: AffectedRow): string[] {
  const fixed = new Set<string>();
  for (const range of row.affected.ranges) for (const e of range.events) if (e.fixed !== undefined) fixed.add(e.fixed);
  return [...fixed].sort();
}
