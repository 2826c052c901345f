import { createHash } from 'node:crypto';
import type { Finding, ScanReport, SeverityLevel } from '../../core/finding.js';
import { advisorySource } from './advisory-links.js';
import { fixTarget, imageTitle, partitionFindings, primaryCvss, SEVERITY_ORDER, unknownReason } from './finding-facts.js';
import { markdownCell, markdownLink } from './markdown-text.js';
import type { VulnReportOptions } from './options.js';
import { TOOL_NAME, TOOL_URI, toolVersion } from './tool.js';

/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) shaped for GitHub code scanning
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * - one rule per vulnerability id, with `properties.security-severity` (GitHub's severity: > 9.0 critical,
 *   7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low) and `tags` including `security`;
 * - one result per finding not suppressed: level by severity, the package's in-image evidence path as the
 *   artifact location, the image as a logical location, and a `partialFingerprints` entry made of the id, the
 *   package and its path (not its version), so an alert stays the same alert across runs and version bumps;
 * - undecided findings (state `unknown`) as `kind: review` results (level `none`, as §3.27.9 requires);
 * - with `showSuppressed`, suppressed findings as results carrying `suppressions[{kind: external}]`, which GitHub
 *   shows as dismissed.
 * `automationDetails.id` is `grout/<image repository>/`: GitHub takes what precedes the last `/` as the category,
 * so scans of different tags of one repository update the same alerts.
 */
export function encodeVulnSarif(report: ScanReport, options: VulnReportOptions = {}): string {
  const { active } = partitionFindings(report);
  const listed = options.showSuppressed ? report.findings : active;

  const byId = new Map<string, Finding[]>();
  for (const f of listed) {
    const list = byId.get(f.id);
    if (list) list.push(f);
    else byId.set(f.id, [f]);
  }
  const ruleIds = [...byId.keys()];
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const sarif = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: toolVersion(options),
            ...(TOOL_URI === undefined ? {} : { informationUri: TOOL_URI }),
            rules: ruleIds.map((id) => rule(id, byId.get(id)!)),
          },
        },
        automationDetails: { id: `${TOOL_NAME}/${automationCategory(report)}/` },
        results: listed.map((f) => result(f, ruleIndex.get(f.id)!, report)),
        properties: imageProperties(report),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

const LEVEL: Record<SeverityLevel, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'warning',
};

/** GitHub's score for a severity that no CVSS score stands for (a distro's rating): the middle of its band. */
const BAND_SCORE: Partial<Record<SeverityLevel, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', negligible: '0.0' };

function scoreBand(score: number): SeverityLevel {
  if (score >= 9.0) return 'critical';
  if (score >= 7.0) return 'high';
  if (score >= 4.0) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/**
 * `security-severity`: the CVSS base score when it agrees with grout's severity; when grout's severity came from
 * elsewhere (a distro rates an issue lower than NVD), the middle of that severity's band, so GitHub shows the
 * severity the other reports show. Absent for severity `unknown`.
 */
function securitySeverity(f: Finding): string | undefined {
  const cvss = primaryCvss(f);
  if (cvss !== undefined && Number.isFinite(cvss.score) && scoreBand(cvss.score) === f.severity) return cvss.score.toFixed(1);
  return BAND_SCORE[f.severity];
}

/** The finding a rule describes: the worst of those sharing the id (findings are risk-sorted, so the first). */
function rule(id: string, findings: readonly Finding[]): Record<string, unknown> {
  const worst = [...findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))[0]!;
  const source = advisorySource(id);
  const summary = findings.find((f) => f.summary)?.summary;
  const ecosystems = [...new Set(findings.map((f) => f.package.ecosystem))];
  const severity = securitySeverity(worst);
  const tags = ['security', 'vulnerability', worst.severity, ...ecosystems, ...(findings.some((f) => f.kev) ? ['known-exploited'] : [])];
  const packages = [...new Set(findings.map((f) => f.package.name))].join(', ');
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: `${id}: ${summary ?? `vulnerability in ${packages}`}`.slice(0, 1000) },
    fullDescription: { text: summary ?? `${id} affects ${packages}.` },
    defaultConfiguration: { level: LEVEL[worst.severity] },
    helpUri: source.url,
    help: { text: helpText(id, worst, findings), markdown: helpMarkdown(id, worst, findings) },
    properties: {
      ...(severity !== undefined ? { 'security-severity': severity } : {}),
      precision: 'very-high',
      tags,
    },
  };
}

/** A rule name is an identifier-like word (§3.49.7); ids already are, less their dashes. */
function ruleName(id: string): string {
  return id.replace(/[^A-Za-z0-9]+/g, '');
}

function severityLine(f: Finding): string {
  const cvss = primaryCvss(f);
  return `severity ${f.severity} (${f.severitySource})${cvss ? `, ${cvss.vector}` : ''}`;
}

function helpText(id: string, worst: Finding, findings: readonly Finding[]): string {
  const lines = [`${id}: ${severityLine(worst)}.`];
  if (worst.summary) lines.push(worst.summary);
  if (findings.some((f) => f.kev)) lines.push(`Known exploited (CISA KEV, added ${findings.find((f) => f.kev)!.kev!.dateAdded}).`);
  for (const f of findings) lines.push(`${f.package.name} ${f.package.version} (${f.package.path}): ${fixTarget(f) ? `fixed in ${fixTarget(f)}` : f.state}.`);
  if (worst.aliases.length > 0) lines.push(`Aliases: ${worst.aliases.join(', ')}.`);
  return lines.join('\n');
}

function helpMarkdown(id: string, worst: Finding, findings: readonly Finding[]): string {
  const kev = findings.find((f) => f.kev)?.kev;
  const out = [`**${markdownCell(id)}** · ${markdownCell(severityLine(worst))}`];
  if (kev) out.push(`**Known exploited** (CISA KEV, added ${markdownCell(kev.dateAdded)}${kev.knownRansomwareCampaignUse ? ', used in ransomware campaigns' : ''}).`);
  if (worst.summary) out.push(markdownCell(worst.summary));
  out.push(
    [
      '| Package | Installed | Fixed | Path |',
      '| --- | --- | --- | --- |',
      ...findings.map(
        (f) => `| ${markdownCell(f.package.name)} | ${markdownCell(f.package.version)} | ${markdownCell(fixTarget(f) ?? f.state)} | ${markdownCell(f.package.path)} |`,
      ),
    ].join('\n'),
  );
  if (worst.aliases.length > 0) out.push(`Aliases: ${worst.aliases.map((a) => markdownLink(a, advisorySource(a).url)).join(', ')}`);
  const refs = worst.references.slice(0, 10);
  if (refs.length > 0) out.push(`References:\n${refs.map((r) => `- <${r.replace(/[<>\s]/g, encodeURIComponent)}>`).join('\n')}`);
  return out.join('\n\n');
}

function result(f: Finding, ruleIndex: number, report: ScanReport): Record<string, unknown> {
  const target = fixTarget(f);
  const undecided = f.state === 'unknown';
  const what = `${f.package.name} ${f.package.version}`;
  const text = undecided
    ? `${what} may be affected by ${f.id}: grout could not decide (${unknownReason(f)}).`
    : `${what} is affected by ${f.id} (${f.severity})${f.summary ? `: ${f.summary}` : ''}. ${
        target !== undefined ? `Fixed in ${target}: upgrade ${f.package.name} to ${target}.` : `No fix available (${f.state}).`
      }`;
  const s = f.suppression;
  return {
    ruleId: f.id,
    ruleIndex,
    ...(undecided ? { kind: 'review', level: 'none' } : { level: LEVEL[f.severity] }),
    message: { text },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: artifactUri(f.package.path) }, region: { startLine: 1 } },
        logicalLocations: [{ name: imageTitle(report), fullyQualifiedName: imageFullName(report), kind: 'module' }],
      },
    ],
    partialFingerprints: { 'grout/vulnerability-package/v1': fingerprint(f) },
    ...(s
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: [s.by === 'vex' ? `VEX ${s.vexStatus ?? ''}`.trim() : 'ignore rule', s.justification, s.reason, `(${s.source})`]
                .filter((x) => x !== undefined && x !== '')
                .join(': '),
            },
          ],
        }
      : {}),
    properties: {
      state: f.state,
      purl: f.package.purl,
      installedVersion: f.package.version,
      ...(target !== undefined ? { fixedVersion: target } : {}),
      ...(f.package.layer !== undefined ? { layer: f.package.layer } : {}),
      ...(f.kev ? { knownExploited: true } : {}),
      ...(f.epss ? { epss: f.epss.score } : {}),
    },
  };
}

/** In-image paths are relative (`usr/lib/…`); a URI reference must not contain spaces or `%` unescaped. */
function artifactUri(path: string): string {
  return path.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

function fingerprint(f: Finding): string {
  return createHash('sha256').update([f.id, f.package.ecosystem, f.package.name, f.package.path].join('\0')).digest('hex');
}

function imageFullName(report: ScanReport): string {
  const digest = report.image.manifestDigest ?? report.image.configDigest;
  return digest ? `${imageRepository(imageTitle(report))}@${digest}` : imageTitle(report);
}

/** `registry.example/shop/api:1.4.2@sha256:…` → `registry.example/shop/api`. */
export function imageRepository(name: string): string {
  const at = name.indexOf('@');
  const named = at >= 0 ? name.slice(0, at) : name;
  const colon = named.lastIndexOf(':');
  return colon > named.lastIndexOf('/') ? named.slice(0, colon) : named;
}

/** The repository the image is a version of; a source with no name (a tarball without tags) by its reference. */
function automationCategory(report: ScanReport): string {
  const named = report.image.tags[0] ?? (report.image.transport === 'registry' ? report.image.reference : undefined);
  return named !== undefined ? imageRepository(named) : report.image.reference;
}

function imageProperties(report: ScanReport): Record<string, unknown> {
  return {
    imageReference: report.image.reference,
    ...(report.image.manifestDigest ? { manifestDigest: report.image.manifestDigest } : {}),
    ...(report.image.configDigest ? { configDigest: report.image.configDigest } : {}),
    scannedAt: report.scannedAt,
    databaseBuiltAt: report.database.builtAt,
  };
}
