import type { Finding, ScanReport } from '../../core/finding.js';
import { imagePurl } from '../../sbom/index.js';
import { contentUuid, dateTime } from './document-id.js';
import { recommendation, unknownReason } from './finding-facts.js';
import type { VulnReportOptions } from './options.js';
import { TOOL_NAME, toolVersion } from './tool.js';

/**
 * OpenVEX v0.2.0 (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md): what the scan concluded, as VEX
 * statements about the image. The product is the image (its `pkg:oci` purl when it has a manifest digest, else
 * the reference as given) and each statement's subcomponent is the package purl.
 * - a finding → `affected`, with the action `Upgrade X to Y` or `No fix available`;
 * - a finding suppressed by a VEX `not_affected` → `not_affected` with its justification (or impact statement);
 *   by a VEX `fixed` → `fixed`;
 * - a finding suppressed by an ignore rule → still `affected` (a rule is a decision, not a claim about the code),
 *   the rule in `status_notes`;
 * - an undecided finding → `under_investigation`.
 * Statements that differ only in the package are merged into one with several subcomponents. The document `@id`
 * is a name-based UUID of its content and its timestamp is the scan time, so the same scan gives the same bytes.
 */
export function encodeVulnOpenVex(report: ScanReport, options: VulnReportOptions = {}): string {
  const product = productId(report);
  const statements = mergeStatements(report.findings.map((f) => statement(f, product)));
  const timestamp = dateTime(report.scannedAt) ?? report.scannedAt;
  const tooling = `${TOOL_NAME} ${toolVersion(options)}`;
  const id = `urn:uuid:${contentUuid(JSON.stringify({ timestamp, product, statements }))}`;
  const doc = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': id,
    author: TOOL_NAME,
    role: 'automated scanner',
    timestamp,
    version: 1,
    tooling,
    statements,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export type OpenVexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface OpenVexStatement {
  vulnerability: { name: string; aliases?: string[] };
  products: { '@id': string; subcomponents?: { '@id': string }[] }[];
  status: OpenVexStatus;
  status_notes?: string;
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
}

function productId(report: ScanReport): string {
  return imagePurl(report.image) ?? report.image.reference;
}

/** OpenVEX's justification labels, and CycloneDX's mapped back to them (a CycloneDX VEX input keeps its meaning). */
const OPENVEX_JUSTIFICATIONS = new Set([
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
]);
const FROM_CYCLONEDX: Record<string, string> = {
  code_not_present: 'vulnerable_code_not_present',
  code_not_reachable: 'vulnerable_code_not_in_execute_path',
  requires_configuration: 'vulnerable_code_cannot_be_controlled_by_adversary',
  requires_dependency: 'component_not_present',
  requires_environment: 'vulnerable_code_cannot_be_controlled_by_adversary',
  protected_by_compiler: 'inline_mitigations_already_exist',
  protected_at_runtime: 'inline_mitigations_already_exist',
  protected_at_perimeter: 'inline_mitigations_already_exist',
  protected_by_mitigating_control: 'inline_mitigations_already_exist',
};

function statement(f: Finding, product: string): OpenVexStatement {
  const base: OpenVexStatement = {
    vulnerability: { name: f.id, ...(f.aliases.length > 0 ? { aliases: f.aliases } : {}) },
    products: [{ '@id': product, ...(f.package.purl ? { subcomponents: [{ '@id': f.package.purl }] } : {}) }],
    status: 'affected',
  };
  const s = f.suppression;
  if (s?.by === 'vex' && (s.vexStatus === 'fixed' || s.vexStatus === 'resolved')) {
    return { ...base, status: 'fixed', status_notes: `VEX statement in ${s.source}${s.reason ? `: ${s.reason}` : ''}` };
  }
  if (s?.by === 'vex') {
    const j = s.justification === undefined ? undefined : OPENVEX_JUSTIFICATIONS.has(s.justification) ? s.justification : FROM_CYCLONEDX[s.justification];
    // not_affected needs a justification or an impact statement (spec §Status): say where the claim comes from.
    const impact = s.reason ?? (j === undefined ? `Not affected according to ${s.source}${s.justification ? ` (${s.justification})` : ''}` : undefined);
    return {
      ...base,
      status: 'not_affected',
      status_notes: `VEX statement in ${s.source}`,
      ...(j !== undefined ? { justification: j } : {}),
      ...(impact !== undefined ? { impact_statement: impact } : {}),
    };
  }
  if (f.state === 'unknown') {
    return { ...base, status: 'under_investigation', status_notes: `grout could not decide: ${unknownReason(f)}` };
  }
  const notes = [
    f.state !== 'fixed' ? `state: ${f.state}` : undefined,
    s ? `ignored by a rule in ${s.source}${s.expires ? ` until ${s.expires}` : ''}${s.reason ? `: ${s.reason}` : ''}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return { ...base, ...(notes.length > 0 ? { status_notes: notes.join('; ') } : {}), action_statement: recommendation(f) };
}

/** Statements identical but for their subcomponents become one, subcomponents merged (sorted, unique). */
function mergeStatements(statements: readonly OpenVexStatement[]): OpenVexStatement[] {
  const merged = new Map<string, OpenVexStatement>();
  for (const st of statements) {
    const key = JSON.stringify({ ...st, products: st.products.map((p) => p['@id']) });
    const seen = merged.get(key);
    if (seen === undefined) {
      merged.set(key, st);
      continue;
    }
    const ids = new Set([...(seen.products[0]?.subcomponents ?? []), ...(st.products[0]?.subcomponents ?? [])].map((c) => c['@id']));
    const product = seen.products[0];
    if (product) product.subcomponents = [...ids].sort().map((id) => ({ '@id': id }));
  }
  return [...merged.values()];
}
