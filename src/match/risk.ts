/**
 * The risk order of findings, most urgent first. Deterministic: the same findings always sort the same way.
 *
 * 1. not suppressed before suppressed (ignore rules, VEX);
 * 2. in CISA's Known Exploited Vulnerabilities catalog before not;
 * 3. severity: critical, high, medium, low, negligible, unknown;
 * 4. EPSS score, highest first (no score sorts last);
 * 5. highest CVSS base score of any source, highest first (none sorts last);
 * 6. actionable (state `fixed`: a fixed version to take) before not;
 * 7. then finding id, package name, package version, package id, evidence path — plain text order, for stability.
 */
import type { Finding, SeverityLevel } from '../core/finding.js';

const SEVERITY_ORDER: Readonly<Record<SeverityLevel, number>> = { critical: 0, high: 1, medium: 2, low: 3, negligible: 4, unknown: 5 };

export function compareRisk(a: Finding, b: Finding): number {
  return (
    Number(a.suppression !== undefined) - Number(b.suppression !== undefined) ||
    Number(a.kev === undefined) - Number(b.kev === undefined) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (b.epss?.score ?? -1) - (a.epss?.score ?? -1) ||
    maxCvss(b) - maxCvss(a) ||
    Number(a.state !== 'fixed') - Number(b.state !== 'fixed') ||
    text(a.id, b.id) ||
    text(a.package.name, b.package.name) ||
    text(a.package.version, b.package.version) ||
    text(a.package.id, b.package.id) ||
    text(a.package.path, b.package.path)
  );
}

/** A new array of the findings in risk order. */
export function sortByRisk(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareRisk);
}

function maxCvss(f: Finding): number {
  let max = -1;
  for (const c of f.cvss) if (c.score > max) max = c.score;
  return max;
}

function text(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
