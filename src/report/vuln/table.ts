import type { Finding, ScanReport, SeverityLevel } from '../../core/finding.js';
import { textTable, truncate } from '../text-table.js';
import {
  countBySeverity,
  distroTitle,
  eolWarning,
  epssPercent,
  fixTarget,
  imageTitle,
  layerLabel,
  packageFixTarget,
  packageTitle,
  partitionFindings,
  SEVERITY_ORDER,
  staleWarning,
  unknownReason,
} from './finding-facts.js';
import type { VulnReportOptions } from './options.js';

const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
/** Severity colours, as Trivy and Grype users know them: red for the worst, yellow for medium, blue for low. */
const SEVERITY_STYLE: Record<SeverityLevel, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[34m',
  negligible: '\x1b[2m',
  unknown: '\x1b[2m',
};
const SUMMARY_WIDTH = 70;

/**
 * The human view of a scan: findings grouped by package (worst package first, since findings arrive risk-sorted),
 * each package headed by `name installed → fix (path, layer N: created_by)`, then a total by severity, the
 * suppressed count, undecided findings with their reason, and warnings (expired ignore rules, distro end of life,
 * stale database). Colour (severity only, and bold headers) only when `color` is set; NO_COLOR is the caller's.
 */
export function encodeVulnTable(report: ScanReport, options: VulnReportOptions = {}): string {
  const color = options.color === true;
  const { active, suppressed } = partitionFindings(report);
  const decided = active.filter((f) => f.state !== 'unknown');
  const undecided = active.filter((f) => f.state === 'unknown');
  const out: string[] = [];

  const distro = distroTitle(report);
  out.push(`${safe(imageTitle(report))}${distro ? ` · ${safe(distro)}` : ''} · ${plural(report.inventory.packages.length, 'package')} scanned\n`);

  if (decided.length === 0) {
    out.push(`\nNo vulnerabilities found (${plural(report.inventory.packages.length, 'package')} scanned).\n`);
  } else {
    out.push(`\n${findingTable(decided, color)}`);
    out.push(`\n${totalLine(decided)}\n`);
  }
  if (suppressed.length > 0) {
    out.push(
      options.showSuppressed
        ? `\n${plural(suppressed.length, 'suppressed finding')}:\n${suppressedTable(suppressed, color)}`
        : `${plural(suppressed.length, 'finding')} suppressed by ignore rules or VEX (--show-suppressed lists them).\n`,
    );
  }
  if (undecided.length > 0) {
    out.push(
      `\n${plural(undecided.length, 'finding')} grout could not decide (shown, never counted by --fail-on):\n${textTable(
        ['VULNERABILITY', 'PACKAGE', 'VERSION', 'REASON'],
        undecided.map((f) => [f.id, packageTitle(f), f.package.version, unknownReason(f)].map((c) => safe(c))),
        { bold: color },
      )}`,
    );
  }
  out.push(...warnings(report).map((w) => `\n${color ? `${SEVERITY_STYLE.medium}Warning:${RESET}` : 'Warning:'} ${safe(w, true)}\n`));
  return out.join('');
}

/** Rows of every package's findings, aligned across packages, with a heading line before each package. */
function findingTable(findings: readonly Finding[], color: boolean): string {
  const groups = groupByPackage(findings);
  const header = ['VULNERABILITY', 'SEVERITY', 'STATE', 'KEV', 'EPSS', 'SUMMARY'];
  const rows = groups.flatMap((g) => g.findings.map(findingRow));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], style?: (i: number, padded: string) => string): string =>
    `  ${cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]!);
        return style ? style(i, padded) : padded;
      })
      .join('  ')}`.trimEnd();
  const lines = [color ? `${BOLD}${line(header)}${RESET}` : line(header)];
  for (const g of groups) {
    lines.push('', color ? `${BOLD}${g.heading}${RESET}` : g.heading);
    for (const f of g.findings) {
      lines.push(line(findingRow(f), (i, padded) => (color && i === 1 ? `${SEVERITY_STYLE[f.severity]}${padded}${RESET}` : padded)));
    }
  }
  return `${lines.join('\n')}\n`;
}

interface PackageGroup {
  heading: string;
  findings: Finding[];
}

function groupByPackage(findings: readonly Finding[]): PackageGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.package.id);
    if (list) list.push(f);
    else groups.set(f.package.id, [f]);
  }
  return [...groups.values()].map((list) => ({ heading: packageHeading(list), findings: list }));
}

function packageHeading(findings: readonly Finding[]): string {
  const first = findings[0]!;
  const target = packageFixTarget(findings);
  const where = [first.package.path, layerLabel(first)].filter((s) => s !== undefined && s !== '').join(', ');
  return safe(`${packageTitle(first)} ${first.package.version} → ${target ?? 'no fix'}${where ? `  (${where})` : ''}`);
}

function findingRow(f: Finding): string[] {
  const target = fixTarget(f);
  return [
    f.id,
    f.severity,
    target !== undefined ? `fixed in ${target}` : f.state,
    f.kev ? 'KEV' : '',
    f.epss ? epssPercent(f.epss) : '',
    truncate(f.summary ?? '', SUMMARY_WIDTH),
  ].map((c) => safe(c));
}

function totalLine(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const parts = SEVERITY_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const kev = findings.filter((f) => f.kev).length;
  const packages = new Set(findings.map((f) => f.package.id)).size;
  return `Total: ${plural(findings.length, 'vulnerability', 'vulnerabilities')} in ${plural(packages, 'package')} (${parts.join(', ')})${kev > 0 ? `, ${kev} known exploited (KEV)` : ''}`;
}

function suppressedTable(findings: readonly Finding[], color: boolean): string {
  return textTable(
    ['VULNERABILITY', 'PACKAGE', 'VERSION', 'BY', 'REASON'],
    findings.map((f) => {
      const s = f.suppression!;
      const by = s.by === 'vex' ? `VEX ${s.vexStatus ?? ''}`.trim() : 'ignore rule';
      const why = [s.justification, s.reason].filter((x) => x !== undefined && x !== '').join(': ');
      return [f.id, packageTitle(f), f.package.version, by, truncate(`${why}${why ? ' ' : ''}(${s.source}${s.expires ? `, until ${s.expires}` : ''})`, 100)].map((c) => safe(c));
    }),
    { bold: color },
  );
}

function warnings(report: ScanReport): string[] {
  const out: string[] = [];
  if (report.expiredIgnores.length > 0) {
    const rules = report.expiredIgnores.map((r) => `  ${r.id} expired ${r.expires} (${r.source})${r.reason ? `: ${truncate(r.reason, 80)}` : ''}`);
    const n = report.expiredIgnores.length;
    out.push(`${n} ignore ${n === 1 ? 'rule has expired and no longer suppresses' : 'rules have expired and no longer suppress'} anything:\n${rules.join('\n')}`);
  }
  const eol = eolWarning(report);
  if (eol) out.push(eol);
  const stale = staleWarning(report);
  if (stale) out.push(stale);
  return out;
}

/**
 * Text from images and feeds, made safe for a terminal: a control character (ESC above all, which could rewrite the
 * screen or hide a line) shows as U+FFFD; line breaks and tabs become spaces unless `multiline`.
 */
function safe(text: string, multiline = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' && multiline ? c : c === '\n' || c === '\t' || c === '\r' ? ' ' : '\ufffd'));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
