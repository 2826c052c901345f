import type { Finding, FindingState, ScanReport } from '../../core/finding.js';
import { countBySeverity, fixTarget, imageTitle, partitionFindings } from './finding-facts.js';
import type { VulnReportOptions } from './options.js';
import { toolVersion } from './tool.js';

/**
 * grout's native scan document, schema version 1. Keys are always present, in this order; absent values are
 * `null`, so `jq` filters need no `//` guards. Changing a shape or removing a key bumps `schemaVersion`.
 *
 * ```
 * { schemaVersion: 1,
 *   tool:     { name: "grout", version },
 *   image:    { name, reference, transport, tags[], manifestDigest, configDigest, os, architecture, variant, created },
 *   distro:   { id, versionId, codename, prettyName } | null,
 *   database: { builtAt, stale, feeds[{ name, updatedAt, advisories }] },     // not its local path
 *   distroEol:{ product, cycle, eol, ended, extendedUntil, extendedEnded } | null,
 *   scannedAt,
 *   summary:  { vulnerabilities, bySeverity{critical…unknown}, byState{fixed…unimportant}, knownExploited, undecided, suppressed },
 *   findings: [{ id, aliases[], kind, severity, severitySource, state, fix, fixedVersions[],
 *                package{ id, name, version, ecosystem, purl, source{name,version}|null, path, layer, layerDiffId, layerCreatedBy },
 *                summary, cvss[{version, vector, score, source}], kev{…}|null, epss{score, percentile, date}|null,
 *                cwes[], references[], published, evidence[{feed, advisory, query{ecosystem,name,version}, matched, status, fixed[], unknownReason}],
 *                suppression{by, source, reason, vexStatus, justification, expires}|null }],
 *   expiredIgnores: [{ id, expires, reason, source }] }
 * ```
 * `summary` counts as the table does: `vulnerabilities`, `bySeverity`, `byState` and `knownExploited` count the
 * decided findings that are not suppressed; `undecided` those of state `unknown` (never counted by --fail-on);
 * `suppressed` the rest. `findings` lists every finding not suppressed (undecided ones included), in risk order,
 * plus the suppressed ones (with `suppression` set) when `showSuppressed` is on. Packages appear only
 * as findings reference them; `grout sbom` or `grout inventory -f json` gives the whole inventory.
 */
export function encodeVulnJson(report: ScanReport, options: VulnReportOptions = {}): string {
  const { active, suppressed } = partitionFindings(report);
  const listed = options.showSuppressed ? report.findings : active;
  const decided = active.filter((f) => f.state !== 'unknown');
  const image = report.image;
  const distro = report.distro;
  const eol = report.distroEol;
  const doc = {
    schemaVersion: 1,
    tool: { name: 'grout', version: toolVersion(options) },
    image: {
      name: imageTitle(report),
      reference: image.reference,
      transport: image.transport,
      tags: image.tags,
      manifestDigest: image.manifestDigest ?? null,
      configDigest: image.configDigest ?? null,
      os: image.os ?? null,
      architecture: image.architecture ?? null,
      variant: image.variant ?? null,
      created: image.created ?? null,
    },
    distro: distro ? { id: distro.id, versionId: distro.versionId ?? null, codename: distro.codename ?? null, prettyName: distro.prettyName ?? null } : null,
    database: {
      builtAt: report.database.builtAt,
      stale: report.database.stale,
      feeds: report.database.feeds.map((f) => ({ name: f.name, updatedAt: f.updatedAt ?? null, advisories: f.advisories })),
    },
    distroEol: eol ? { product: eol.product, cycle: eol.cycle, eol: eol.eol ?? null, ended: eol.ended, extendedUntil: eol.extendedUntil ?? null, extendedEnded: eol.extendedEnded ?? null } : null,
    scannedAt: report.scannedAt,
    summary: {
      vulnerabilities: decided.length,
      bySeverity: countBySeverity(decided),
      byState: countByState(decided),
      knownExploited: decided.filter((f) => f.kev).length,
      undecided: active.length - decided.length,
      suppressed: suppressed.length,
    },
    findings: listed.map(findingJson),
    expiredIgnores: report.expiredIgnores.map((r) => ({ id: r.id, expires: r.expires, reason: r.reason ?? null, source: r.source })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

type DecidedState = Exclude<FindingState, 'unknown'>;
const STATES: readonly DecidedState[] = ['fixed', 'unfixed', 'will-not-fix', 'end-of-life', 'unimportant'];

function countByState(findings: readonly Finding[]): Record<DecidedState, number> {
  const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<DecidedState, number>;
  for (const f of findings) if (f.state !== 'unknown') counts[f.state] += 1;
  return counts;
}

function findingJson(f: Finding): Record<string, unknown> {
  const p = f.package;
  const s = f.suppression;
  return {
    id: f.id,
    aliases: f.aliases,
    kind: f.kind,
    severity: f.severity,
    severitySource: f.severitySource,
    state: f.state,
    fix: fixTarget(f) ?? null,
    fixedVersions: f.fixedVersions,
    package: {
      id: p.id,
      name: p.name,
      version: p.version,
      ecosystem: p.ecosystem,
      purl: p.purl,
      source: p.source ? { name: p.source.name, version: p.source.version ?? null } : null,
      path: p.path,
      layer: p.layer ?? null,
      layerDiffId: p.layerDiffId ?? null,
      layerCreatedBy: p.layerCreatedBy ?? null,
    },
    summary: f.summary ?? null,
    cvss: f.cvss.map((c) => ({ version: c.version, vector: c.vector, score: c.score, source: c.source })),
    kev: f.kev
      ? {
          cve: f.kev.cve,
          vendorProject: f.kev.vendorProject ?? null,
          product: f.kev.product ?? null,
          name: f.kev.name ?? null,
          dateAdded: f.kev.dateAdded,
          dueDate: f.kev.dueDate ?? null,
          requiredAction: f.kev.requiredAction ?? null,
          knownRansomwareCampaignUse: f.kev.knownRansomwareCampaignUse,
        }
      : null,
    epss: f.epss ? { score: f.epss.score, percentile: f.epss.percentile, date: f.epss.date ?? null } : null,
    cwes: f.cwes,
    references: f.references,
    published: f.published ?? null,
    evidence: f.evidence.map((e) => ({
      feed: e.feed,
      advisory: e.advisory,
      query: { ecosystem: e.query.ecosystem, name: e.query.name, version: e.query.version },
      matched: e.matched,
      status: e.status,
      fixed: e.fixed,
      unknownReason: e.unknownReason ?? null,
    })),
    suppression: s
      ? {
          by: s.by,
          source: s.source,
          reason: s.reason ?? null,
          vexStatus: s.vexStatus ?? null,
          justification: s.justification ?? null,
          expires: s.expires ?? null,
        }
      : null,
  };
}
