import type { Finding, ScanReport } from '../../core/finding.js';
import { advisorySource } from './advisory-links.js';
import { countBySeverity, eolWarning, fixTarget, imageTitle, partitionFindings, SEVERITY_ORDER, staleWarning } from './finding-facts.js';
import { markdownCell, markdownLink } from './markdown-text.js';
import type { VulnReportOptions } from './options.js';

export const DEFAULT_MAX_ROWS = 50;

/**
 * A pull-request comment: a title naming the image, counts by severity, then one table row per finding not
 * suppressed (severity, linked id, package, installed, fixed, KEV), capped at `maxRows` with "and M more", and
 * the warnings as GitHub alerts. Every piece of advisory or image text is escaped (`|`, newlines, HTML, markup).
 */
export function encodeVulnMarkdown(report: ScanReport, options: VulnReportOptions = {}): string {
  const maxRows = Math.max(0, Math.floor(options.maxRows ?? DEFAULT_MAX_ROWS));
  const { active, suppressed } = partitionFindings(report);
  const image = markdownCell(imageTitle(report));
  const packages = report.inventory.packages.length;
  const out: string[] = [];

  const decided = active.filter((f) => f.state !== 'unknown');
  const undecided = active.filter((f) => f.state === 'unknown');
  if (decided.length === 0) {
    out.push(`### grout: no vulnerabilities found in ${image}`, `${packages} package${packages === 1 ? '' : 's'} scanned.`);
  } else {
    out.push(`### grout: ${decided.length} vulnerabilit${decided.length === 1 ? 'y' : 'ies'} in ${image}`, countsLine(decided, undecided.length, suppressed.length));
  }
  // Undecided findings are listed after the decided ones: shown, never counted.
  const listed = [...decided, ...undecided];
  if (listed.length > 0) {
    const rows = listed.slice(0, maxRows).map(row);
    out.push(['| Severity | Vulnerability | Package | Installed | Fixed | KEV |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n'));
    if (listed.length > maxRows) out.push(`_…and ${listed.length - maxRows} more._`);
  }
  if (decided.length === 0 && undecided.length > 0) out.push(`${undecided.length} undecided (grout could not tell; not counted).`);
  if (decided.length === 0 && suppressed.length > 0) out.push(`${suppressed.length} suppressed by ignore rules or VEX.`);
  if (options.showSuppressed && suppressed.length > 0) out.push(suppressedSection(suppressed));
  for (const w of warnings(report)) out.push(`> [!WARNING]\n> ${w}`);
  return `${out.join('\n\n')}\n`;
}

function countsLine(decided: readonly Finding[], undecided: number, suppressed: number): string {
  const counts = countBySeverity(decided);
  const parts = SEVERITY_ORDER.filter((s) => counts[s] > 0).map((s) => (s === 'critical' || s === 'high' ? `**${counts[s]} ${s}**` : `${counts[s]} ${s}`));
  const kev = decided.filter((f) => f.kev).length;
  if (kev > 0) parts.push(`**${kev} known exploited**`);
  if (undecided > 0) parts.push(`${undecided} undecided`);
  if (suppressed > 0) parts.push(`${suppressed} suppressed`);
  return parts.join(' · ');
}

function row(f: Finding): string {
  const target = fixTarget(f);
  const fixed = target ?? (f.state === 'unknown' ? 'undecided' : `no fix (${f.state})`);
  const severity = f.severity === 'critical' || f.severity === 'high' ? `**${f.severity}**` : f.severity;
  return `| ${severity} | ${markdownLink(f.id, advisorySource(f.id).url)} | ${markdownCell(f.package.name)} | ${markdownCell(f.package.version)} | ${markdownCell(fixed)} | ${f.kev ? '**yes**' : ''} |`;
}

function suppressedSection(findings: readonly Finding[]): string {
  const rows = findings.map((f) => {
    const s = f.suppression!;
    const why = [s.by === 'vex' ? `VEX ${s.vexStatus ?? ''}`.trim() : 'ignore rule', s.justification, s.reason].filter((x) => x !== undefined && x !== '').join(': ');
    return `| ${markdownLink(f.id, advisorySource(f.id).url)} | ${markdownCell(f.package.name)} | ${markdownCell(f.package.version)} | ${markdownCell(why)} | ${markdownCell(s.source)} |`;
  });
  return [
    `<details><summary>${findings.length} suppressed</summary>`,
    '',
    '| Vulnerability | Package | Installed | Why | Source |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '</details>',
  ].join('\n');
}

function warnings(report: ScanReport): string[] {
  const out: string[] = [];
  for (const r of report.expiredIgnores) {
    out.push(markdownCell(`Ignore rule for ${r.id} in ${r.source} expired ${r.expires} and no longer suppresses it${r.reason ? ` (${r.reason})` : ''}.`));
  }
  const eol = eolWarning(report);
  if (eol) out.push(markdownCell(eol));
  const stale = staleWarning(report);
  if (stale) out.push(markdownCell(stale));
  return out;
}
