import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeScanReport, VULN_REPORT_FORMATS, type VulnReportFormat, type VulnReportOptions } from './index.js';
import { reportCases } from './testdata/scan-reports.js';

/**
 * Golden files: testdata/<case>/scan-report.json (the hand-built report) and one file per format and option set.
 * `UPDATE_GOLDEN=1 npx vitest run src/report/vuln` rewrites them; review the diff.
 */
const here = dirname(fileURLToPath(import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
export const TOOL_VERSION = '0.1.0-test';

const FILE: Record<VulnReportFormat, string> = {
  table: 'table.txt',
  json: 'scan.json',
  sarif: 'sarif.json',
  cyclonedx: 'cyclonedx.json',
  openvex: 'openvex.json',
  markdown: 'report.md',
};

function golden(caseName: string, file: string, actual: string): void {
  const path = join(here, 'testdata', caseName, file);
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(Object.entries(reportCases))('golden %s', (caseName, report) => {
  it('scan-report.json matches the fixture', () => {
    golden(caseName, 'scan-report.json', `${JSON.stringify(report, null, 2)}\n`);
  });

  it.each(VULN_REPORT_FORMATS)('%s matches its golden file and is deterministic', (format) => {
    const options: VulnReportOptions = { toolVersion: TOOL_VERSION };
    const first = encodeScanReport(report, format, options);
    golden(caseName, FILE[format], first);
    expect(encodeScanReport(report, format, options)).toBe(first);
    // The input is not modified by encoding.
    expect(`${JSON.stringify(report, null, 2)}\n`).toBe(readFileSync(join(here, 'testdata', caseName, 'scan-report.json'), 'utf8'));
  });

  it.each(['table', 'sarif', 'markdown', 'json'] as const)('%s with showSuppressed matches its golden file', (format) => {
    golden(caseName, FILE[format].replace(/\.(\w+)$/, '-suppressed.$1'), encodeScanReport(report, format, { toolVersion: TOOL_VERSION, showSuppressed: true }));
  });

  it('table in colour matches table-color.txt', () => {
    golden(caseName, 'table-color.txt', encodeScanReport(report, 'table', { toolVersion: TOOL_VERSION, color: true }));
  });

  it.each(VULN_REPORT_FORMATS)('%s without colour holds no escape codes', (format) => {
    expect(encodeScanReport(report, format, { toolVersion: TOOL_VERSION, color: false, showSuppressed: true })).not.toContain('\x1b');
  });

  it.each(VULN_REPORT_FORMATS.filter((f) => f !== 'table' && f !== 'markdown'))('%s is JSON', (format) => {
    expect(() => JSON.parse(encodeScanReport(report, format, { toolVersion: TOOL_VERSION })) as unknown).not.toThrow();
  });
});

describe('encodeScanReport', () => {
  it('rejects an unknown format with E_USAGE', () => {
    expect(() => encodeScanReport(reportCases['empty']!, 'xml' as VulnReportFormat)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('writes the build version when no toolVersion is given', async () => {
    const { GROUT_VERSION } = await import('../../grout-version.js');
    const doc = JSON.parse(encodeScanReport(reportCases['empty']!, 'json')) as { tool: { version: string } };
    expect(doc.tool.version).toBe(GROUT_VERSION);
  });
});
