/**
 * A finding from one alias group of verdicts on one package: evidence, fixed versions, state, severity, KEV and
 * EPSS. Pure but for the KEV/EPSS look-ups, which are passed in.
 */
import type { AdvisoryKind, EpssScore, Finding, FindingPackage, FindingState, KevEntry, MatchEvidence } from '../core/finding.js';
import type { Inventory, Package } from '../core/model.js';
import type { AliasGroup } from './alias-groups.js';
import type { AffectingStatus, Verdict } from './decide.js';
import type { PackageQuery } from './queries.js';
import { rangeSchemes, sortVersions } from './schemes.js';
import { chooseSeverity } from './severity.js';

/** A verdict that makes a finding, with the query that found it. */
export interface QueriedVerdict {
  query: PackageQuery;
  verdict: Extract<Verdict, { kind: 'affected' | 'unknown' }>;
}

export interface Enrichment {
  kev(cve: string): KevEntry | undefined;
  epss(cve: string): EpssScore | undefined;
}

const KIND_ORDER: readonly AdvisoryKind[] = ['malicious', 'vulnerability', 'unsound', 'unmaintained', 'notice'];

/**
 * The state when no fix is above the installed version: a status the distro stated explicitly outranks the
 * `unfixed` that an open OSV range implies, and among explicit statuses the first of this list wins.
 */
const EXPLICIT_STATES: readonly Exclude<AffectingStatus, 'affected'>[] = ['end-of-life', 'will-not-fix', 'unimportant', 'unfixed'];

export function buildFinding(pkg: Package, inv: Pick<Inventory, 'image'>, group: AliasGroup<QueriedVerdict>, enrichment: Enrichment): Finding {
  const members = group.members.map((m) => m.item);
  const first = members[0];
  if (first === undefined) throw new Error('an alias group has at least one member');
  const scheme = first.query.scheme;
  const goVersion = (v: string): string => (scheme === 'go' && /^\d/.test(v) ? `v${v}` : v);

  const evidence = dedupeEvidence(members.map((m) => evidenceOf(m, goVersion)));
  const fixedVersions = sortVersions(
    members.flatMap((m) => m.verdict.fixed.map(goVersion)),
    scheme,
  );
  const advisories = [...new Map(members.map((m) => [`${m.verdict.row.advisory.feed}\u0000${m.verdict.row.advisory.id}`, m.verdict.row.advisory])).values()];
  const kind = KIND_ORDER.find((k) => advisories.some((a) => a.kind === k)) ?? 'vulnerability';
  const osPackage = pkg.ecosystem === 'deb' || pkg.ecosystem === 'apk' || pkg.ecosystem === 'rpm';
  const severity = chooseSeverity(
    kind,
    members.map((m) => ({ advisory: m.verdict.row.advisory, affected: m.verdict.row.affected })),
    osPackage,
  );
  // The summary of the advisory named like the finding, else of the first advisory (by id) that has one.
  const primary = [...advisories].sort((a, b) => Number(b.id === group.id) - Number(a.id === group.id) || (a.id < b.id ? -1 : 1)).find((a) => a.summary !== undefined);
  const published = advisories.map((a) => a.published).filter((p): p is string => p !== undefined).sort()[0];

  const finding: Finding = {
    id: group.id,
    aliases: group.aliases,
    kind,
    severity: severity.severity,
    severitySource: severity.severitySource,
    cvss: severity.cvss,
    references: [...new Set(advisories.flatMap((a) => a.references))],
    cwes: [...new Set(advisories.flatMap((a) => a.cwes))].sort(),
    package: findingPackage(pkg, inv),
    state: stateOf(members, first.query),
    fixedVersions,
    evidence,
  };
  if (primary?.summary !== undefined) finding.summary = primary.summary;
  if (published !== undefined) finding.published = published;
  const cves = [group.id, ...group.aliases].filter((id) => id.startsWith('CVE-')).sort();
  const kev = cves.map((c) => enrichment.kev(c)).find((k) => k !== undefined);
  if (kev !== undefined) finding.kev = kev;
  let epss: EpssScore | undefined;
  for (const c of cves) {
    const e = enrichment.epss(c);
    if (e !== undefined && (epss === undefined || e.score > epss.score)) epss = e;
  }
  if (epss !== undefined) finding.epss = epss;
  return finding;
}

function stateOf(members: readonly QueriedVerdict[], query: PackageQuery): FindingState {
  const affecting = members.filter((m) => m.verdict.kind === 'affected');
  if (affecting.length === 0) return 'unknown';
  const scheme = rangeSchemes(query.scheme);
  const above = (fixed: string): boolean => {
    const c = scheme.ecosystem.compare(query.version, scheme.ecosystem.isValid(fixed) ? fixed : `v${fixed}`);
    return c !== undefined && c < 0;
  };
  if (affecting.some((m) => m.verdict.fixed.some(above))) return 'fixed';
  const explicit = EXPLICIT_STATES.find((s) => affecting.some((m) => m.verdict.status === s));
  return explicit ?? 'unfixed';
}

function evidenceOf(m: QueriedVerdict, goVersion: (v: string) => string): MatchEvidence {
  const { verdict, query } = m;
  const e: MatchEvidence = {
    feed: verdict.row.advisory.feed,
    advisory: verdict.row.advisory.id,
    query: { ecosystem: query.ecosystem, name: query.name, version: query.version },
    matched: verdict.kind === 'affected' ? verdict.matched : 'unknown',
    status: verdict.status,
    fixed: verdict.fixed.map(goVersion),
  };
  if (verdict.kind === 'unknown') e.unknownReason = verdict.reason;
  return e;
}

function dedupeEvidence(list: MatchEvidence[]): MatchEvidence[] {
  const byKey = new Map<string, MatchEvidence>();
  for (const e of list) byKey.set(JSON.stringify([e.feed, e.advisory, e.query.ecosystem, e.query.name, e.matched, e.status, e.fixed, e.unknownReason ?? '']), e);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/** The package as a finding shows it: where its evidence is and which layer brought it. */
export function findingPackage(pkg: Package, inv: Pick<Inventory, 'image'>): FindingPackage {
  const location = pkg.locations[0];
  const out: FindingPackage = {
    id: pkg.id,
    name: pkg.name,
    version: pkg.version,
    ecosystem: pkg.ecosystem,
    purl: pkg.purl,
    path: location?.path ?? '',
  };
  if (pkg.source !== undefined) out.source = pkg.source;
  if (location !== undefined) {
    out.layer = location.layer;
    const layer = inv.image.layers.find((l) => l.index === location.layer);
    if (layer !== undefined) {
      out.layerDiffId = layer.diffId;
      if (layer.createdBy !== undefined) out.layerCreatedBy = layer.createdBy;
    }
  }
  return out;
}
