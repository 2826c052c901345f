import type { CvssScore, EpssScore, Finding, ScanReport, SeverityLevel } from '../../core/finding.js';

/** Severities, worst first: the order every report counts and colours them in. */
export const SEVERITY_ORDER: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/** The findings a report counts (no suppression) and the suppressed ones, each in the report's risk order. */
export function partitionFindings(report: ScanReport): { active: Finding[]; suppressed: Finding[] } {
  const active: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of report.findings) (f.suppression ? suppressed : active).push(f);
  return { active, suppressed };
}

export function countBySeverity(findings: readonly Finding[]): Record<SeverityLevel, number> {
  const counts = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<SeverityLevel, number>;
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

/**
 * The version to upgrade to. `fixedVersions` lists every fix lowest first and may hold fixes of other branches
 * below the installed version (log4j-core 2.14.1: 2.3.1, 2.12.2, 2.15.0), and reports may not compare versions
 * (report/ depends on core only), so the fix of the range that matched (the evidence) decides; without one, the
 * highest fix, which is never below the installed version.
 */
export function fixTarget(f: Finding): string | undefined {
  if (f.state !== 'fixed' || f.fixedVersions.length === 0) return undefined;
  const matched = new Set(f.evidence.flatMap((e) => e.fixed));
  return f.fixedVersions.find((v) => matched.has(v)) ?? f.fixedVersions[f.fixedVersions.length - 1];
}

/** The one version that fixes every fixable finding of a package: the highest of their targets. */
export function packageFixTarget(findings: readonly Finding[]): string | undefined {
  let best: string | undefined;
  for (const f of findings) {
    const t = fixTarget(f);
    if (t !== undefined && (best === undefined || compareVersionsLoosely(t, best) > 0)) best = t;
  }
  return best;
}

/**
 * Orders two fix versions of one package for display only: numeric runs compare as numbers, the rest as text.
 * Matching never relies on it (that is version/'s job, per ecosystem).
 */
export function compareVersionsLoosely(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d]+/g) ?? [];
  const pb = b.match(/\d+|[^\d]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const sx = x.replace(/^0+(?=\d)/, '');
      const sy = y.replace(/^0+(?=\d)/, '');
      if (sx.length !== sy.length) return sx.length < sy.length ? -1 : 1;
      if (sx !== sy) return sx < sy ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Why grout could not decide a finding, from its evidence. */
export function unknownReason(f: Finding): string {
  return f.evidence.find((e) => e.unknownReason !== undefined)?.unknownReason ?? 'the version or the affected range could not be read';
}

/** The CVSS score a report shows: the newest CVSS version, the first source of it. */
export function primaryCvss(f: Finding): CvssScore | undefined {
  const rank = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 } as const;
  let best: CvssScore | undefined;
  for (const c of f.cvss) if (best === undefined || rank[c.version] > rank[best.version]) best = c;
  return best;
}

/** EPSS probability as a percentage: `97.5%`, `0.09%` (two decimals below 1%). */
export function epssPercent(epss: EpssScore): string {
  const pct = epss.score * 100;
  if (!Number.isFinite(pct)) return '';
  return `${pct < 1 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/**
 * A layer's `created_by` made short: the shell wrapper, Docker's `#(nop)` marker and BuildKit's `# buildkit`
 * suffix say nothing a reader needs.
 */
export function shortCreatedBy(createdBy: string, max = 60): string {
  let text = createdBy.replace(/\s+/g, ' ').trim();
  text = text
    .replace(/^(RUN )?\/bin\/sh -c /, '$1')
    .replace(/^#\(nop\)\s*/, '')
    .replace(/\s*# buildkit$/, '')
    .replace(/\b(file|dir):([0-9a-f]{12})[0-9a-f]{4,}/g, '$1:$2…');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `layer 3: RUN npm ci`, or `layer 3`, or undefined when the layer is not known. */
export function layerLabel(f: Finding): string | undefined {
  if (f.package.layer === undefined) return undefined;
  return f.package.layerCreatedBy ? `layer ${f.package.layer}: ${shortCreatedBy(f.package.layerCreatedBy)}` : `layer ${f.package.layer}`;
}

/** The image as a reader names it: its first tag, else the reference given. */
export function imageTitle(report: ScanReport): string {
  return report.image.tags[0] ?? report.image.reference;
}

/** `Debian GNU/Linux 11 (bullseye)`, or `debian 11`. */
export function distroTitle(report: ScanReport): string | undefined {
  const d = report.distro;
  if (!d) return undefined;
  return d.prettyName ?? `${d.id} ${d.versionId ?? ''}`.trim();
}

/** The distro end-of-life warning, when the release's support has ended. */
export function eolWarning(report: ScanReport): string | undefined {
  const e = report.distroEol;
  if (!e?.ended) return undefined;
  const name = distroTitle(report) ?? `${e.product} ${e.cycle}`;
  const when = typeof e.eol === 'string' ? ` on ${e.eol}` : '';
  if (e.extendedUntil !== undefined && e.extendedEnded !== true) {
    const until = typeof e.extendedUntil === 'string' ? ` until ${e.extendedUntil}` : '';
    return `${name} reached the end of regular security support${when}; only extended (LTS) support continues${until}, for fewer packages. Plan a move to a supported release.`;
  }
  return `${name} reached end of life${when}: it gets no more security fixes, and findings in its packages may never be fixed. Move to a supported release.`;
}

/** The stale-database warning. */
export function staleWarning(report: ScanReport): string | undefined {
  if (!report.database.stale) return undefined;
  return `The vulnerability database was built ${report.database.builtAt} and is stale: newer advisories are missing. Run \`grout db update\`.`;
}

/** A package's name as shown: its ecosystem name, with the source package when it differs (deb `zlib1g (zlib)`). */
export function packageTitle(f: Finding): string {
  const src = f.package.source;
  return src && src.name !== f.package.name ? `${f.package.name} (source ${src.name})` : f.package.name;
}

/** The advice for a finding, in words: `Upgrade lodash to 4.17.21`, `No fix available (will-not-fix)`. */
export function recommendation(f: Finding): string {
  const target = fixTarget(f);
  if (target !== undefined) return `Upgrade ${f.package.name} to ${target}`;
  if (f.state === 'unknown') return `Check ${f.package.name} ${f.package.version} by hand: ${unknownReason(f)}`;
  return f.state === 'unfixed' ? 'No fix available' : `No fix available (${f.state})`;
}
