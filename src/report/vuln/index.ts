/**
 * Vulnerability reports: one scan report rendered as a table, grout's JSON, SARIF 2.1.0, CycloneDX 1.6 with
 * vulnerabilities, OpenVEX v0.2.0 or markdown. Pure and deterministic: the same report gives the same bytes.
 */
import { GroutError } from '../../core/errors.js';
import type { ScanReport } from '../../core/finding.js';
import { encodeVulnCycloneDx } from './cyclonedx.js';
import { encodeVulnJson } from './json.js';
import { encodeVulnMarkdown } from './markdown.js';
import { encodeVulnOpenVex } from './openvex.js';
import type { VulnReportOptions } from './options.js';
import { encodeVulnSarif } from './sarif.js';
import { encodeVulnTable } from './table.js';

export const VULN_REPORT_FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'openvex', 'markdown'] as const;
export type VulnReportFormat = (typeof VULN_REPORT_FORMATS)[number];
export type { VulnReportOptions } from './options.js';
export { encodeVulnCycloneDx, encodeVulnJson, encodeVulnMarkdown, encodeVulnOpenVex, encodeVulnSarif, encodeVulnTable };

const ENCODERS: Record<VulnReportFormat, (report: ScanReport, options: VulnReportOptions) => string> = {
  table: encodeVulnTable,
  json: encodeVulnJson,
  sarif: encodeVulnSarif,
  cyclonedx: encodeVulnCycloneDx,
  openvex: encodeVulnOpenVex,
  markdown: encodeVulnMarkdown,
};

/**
 * Render a scan report in one of `VULN_REPORT_FORMATS`.
 *
 * @example
 * const report = await scan('oci:./layout:latest', { dbPath });
 * process.stdout.write(encodeScanReport(report, 'sarif', { showSuppressed: true }));
 */
export function encodeScanReport(report: ScanReport, format: VulnReportFormat, options: VulnReportOptions = {}): string {
  if (!Object.hasOwn(ENCODERS, format)) {
    throw new GroutError('E_USAGE', `unknown report format ${JSON.stringify(format)} (expected ${VULN_REPORT_FORMATS.join(', ')})`);
  }
  return ENCODERS[format](report, options);
}
