import type { CvssScore, Finding, ScanReport, SeverityLevel, Suppression } from '../../core/finding.js';
import { cycloneDxDocument, IMAGE_BOM_REF, type CycloneDxBom, type CycloneDxProperty } from '../../sbom/index.js';
import { advisorySource, type AdvisorySource } from './advisory-links.js';
import { contentUuid, dateTime } from './document-id.js';
import { recommendation } from './finding-facts.js';
import type { VulnReportOptions } from './options.js';
import { toolVersion } from './tool.js';

/**
 * CycloneDX 1.6 with vulnerabilities (https://cyclonedx.org/docs/1.6/json/#vulnerabilities): the inventory's BOM
 * exactly as `grout sbom -f cyclonedx` writes it (same components, same bom-refs), plus one `vulnerabilities[]`
 * entry per finding, suppressed ones included with their `analysis` (a VEX statement, or the ignore rule in
 * words). One entry per finding rather than per id, because each package has its own fix, state and analysis.
 *
 * The document is a different BOM from the plain SBOM, so it gets its own serial number (from the image identity
 * and the scan time) and the scan time as its timestamp; both are injected, so output stays deterministic.
 */
export function encodeVulnCycloneDx(report: ScanReport, options: VulnReportOptions = {}): string {
  const bom = cycloneDxDocument(report.inventory, { toolVersion: toolVersion(options) });
  const componentRefs = new Set(bom.components.map((c) => c['bom-ref']).filter((r): r is string => r !== undefined));
  const usedRefs = new Set<string>();
  const vulnerabilities = report.findings.map((f) => vulnerability(f, uniqueRef(`vuln:${f.id}:${f.package.id}`, usedRefs), componentRefs));
  const doc: CycloneDxBom & { vulnerabilities: CycloneDxVulnerability[] } = {
    ...bom,
    serialNumber: `urn:uuid:${contentUuid(`grout-vulnerabilities|${bom.serialNumber}|${report.scannedAt}`)}`,
    metadata: { ...bom.metadata, timestamp: dateTime(report.scannedAt) ?? bom.metadata.timestamp },
    vulnerabilities,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

interface CycloneDxRating {
  source?: { name: string };
  score?: number;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none' | 'unknown';
  method: 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'other';
  vector?: string;
}

interface CycloneDxVulnerability {
  'bom-ref': string;
  id: string;
  source: AdvisorySource;
  references?: { id: string; source: AdvisorySource }[];
  ratings: CycloneDxRating[];
  cwes?: number[];
  description?: string;
  recommendation: string;
  advisories?: { title?: string; url: string }[];
  published?: string;
  analysis?: { state?: 'not_affected' | 'resolved'; justification?: string; detail: string };
  affects: { ref: string; versions?: { version: string; status: 'affected' | 'unaffected' | 'unknown' }[] }[];
  properties?: CycloneDxProperty[];
}

function vulnerability(f: Finding, ref: string, componentRefs: ReadonlySet<string>): CycloneDxVulnerability {
  const references = [...new Set([...f.aliases, ...f.evidence.map((e) => e.advisory)])]
    .filter((id) => id !== f.id && id !== '')
    .sort()
    .map((id) => ({ id, source: advisorySource(id) }));
  const cwes = [...new Set(f.cwes.map((c) => /^CWE-(\d{1,9})$/i.exec(c.trim())?.[1]).filter((n): n is string => n !== undefined).map(Number))]
    .filter((n) => n >= 1)
    .sort((a, b) => a - b);
  const advisories: { title?: string; url: string }[] = [...new Set(f.references.filter((u) => u.trim() !== ''))].map((url) => ({ url }));
  if (f.kev) advisories.push({ title: 'CISA Known Exploited Vulnerabilities Catalog', url: 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog' });
  const published = f.published !== undefined ? dateTime(f.published) : undefined;
  const analysis = f.suppression ? suppressionAnalysis(f.suppression) : undefined;
  const status = f.state === 'unknown' ? 'unknown' : analysis?.state !== undefined ? 'unaffected' : 'affected';
  const properties = vulnerabilityProperties(f);
  return {
    'bom-ref': ref,
    id: f.id,
    source: advisorySource(f.id),
    ...(references.length > 0 ? { references } : {}),
    ratings: ratings(f),
    ...(cwes.length > 0 ? { cwes } : {}),
    ...(f.summary ? { description: f.summary } : {}),
    recommendation: recommendation(f),
    ...(advisories.length > 0 ? { advisories } : {}),
    ...(published !== undefined ? { published } : {}),
    ...(analysis !== undefined ? { analysis } : {}),
    affects: [
      {
        // A package the BOM does not list (cannot happen for an inventory's own findings) is attributed to the image.
        ref: componentRefs.has(f.package.id) ? f.package.id : IMAGE_BOM_REF,
        ...(f.package.version !== '' ? { versions: [{ version: f.package.version.slice(0, 1024), status }] } : {}),
      },
    ],
    ...(properties.length > 0 ? { properties } : {}),
  };
}

const METHOD: Record<CvssScore['version'], CycloneDxRating['method']> = { '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4' };

function ratings(f: Finding): CycloneDxRating[] {
  const out: CycloneDxRating[] = f.cvss.map((c) => ({
    source: { name: c.source },
    ...(Number.isFinite(c.score) ? { score: c.score } : {}),
    severity: Number.isFinite(c.score) ? cvssSeverity(c) : 'unknown',
    method: METHOD[c.version],
    vector: c.vector,
  }));
  // The rating that decided grout's severity when it is not a CVSS score: a distro's urgency, GHSA's level.
  if (!/^CVSS/i.test(f.severitySource)) {
    const colon = f.severitySource.indexOf(':');
    const name = (colon > 0 ? f.severitySource.slice(0, colon) : f.severitySource).trim();
    out.push({ ...(name ? { source: { name } } : {}), severity: cycloneDxSeverity(f.severity), method: 'other' });
  }
  return out;
}

/** CVSS qualitative ratings: v3/v4 have `critical` from 9.0; v2 stops at `high` (7.0–10.0). */
function cvssSeverity(c: CvssScore): CycloneDxRating['severity'] {
  if (c.score === 0) return 'none';
  if (c.score >= 9.0 && c.version !== '2.0') return 'critical';
  if (c.score >= 7.0) return 'high';
  if (c.score >= 4.0) return 'medium';
  return 'low';
}

function cycloneDxSeverity(s: SeverityLevel): CycloneDxRating['severity'] {
  return s === 'negligible' ? 'info' : s;
}

/** OpenVEX justifications (https://github.com/openvex/spec) in CycloneDX's impactAnalysisJustification terms. */
const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};
const CYCLONEDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);

/**
 * A VEX suppression becomes an analysis with state `not_affected` (or `resolved` for a VEX `fixed`) and the
 * justification in CycloneDX's enum; an ignore rule is a decision, not a claim about the code, so it gets no
 * state, only its reason in `detail`.
 */
function suppressionAnalysis(s: Suppression): NonNullable<CycloneDxVulnerability['analysis']> {
  const why = [s.justification, s.reason].filter((x) => x !== undefined && x !== '').join(': ');
  if (s.by === 'ignore-file') {
    return { detail: `Ignored by a rule in ${s.source}${s.expires ? ` until ${s.expires}` : ''}${s.reason ? `: ${s.reason}` : ''}` };
  }
  const j = s.justification === undefined ? undefined : CYCLONEDX_JUSTIFICATIONS.has(s.justification) ? s.justification : JUSTIFICATION[s.justification];
  return {
    state: s.vexStatus === 'fixed' || s.vexStatus === 'resolved' ? 'resolved' : 'not_affected',
    ...(j !== undefined ? { justification: j } : {}),
    detail: `VEX ${s.vexStatus ?? 'not_affected'} in ${s.source}${why ? `: ${why}` : ''}`,
  };
}

function vulnerabilityProperties(f: Finding): CycloneDxProperty[] {
  const out: CycloneDxProperty[] = [{ name: 'grout:state', value: f.state }, { name: 'grout:severity-source', value: f.severitySource }];
  if (f.kev) {
    out.push({ name: 'grout:kev', value: 'true' }, { name: 'grout:kev:date-added', value: f.kev.dateAdded });
    if (f.kev.dueDate) out.push({ name: 'grout:kev:due-date', value: f.kev.dueDate });
    out.push({ name: 'grout:kev:known-ransomware-campaign-use', value: String(f.kev.knownRansomwareCampaignUse) });
  }
  if (f.epss) {
    out.push({ name: 'grout:epss:score', value: String(f.epss.score) }, { name: 'grout:epss:percentile', value: String(f.epss.percentile) });
    if (f.epss.date) out.push({ name: 'grout:epss:date', value: f.epss.date });
  }
  if (f.fixedVersions.length > 0) out.push({ name: 'grout:fixed-versions', value: f.fixedVersions.join(', ') });
  return out;
}

function uniqueRef(base: string, used: Set<string>): string {
  let ref = base;
  for (let n = 2; used.has(ref); n++) ref = `${base}#${n}`;
  used.add(ref);
  return ref;
}
