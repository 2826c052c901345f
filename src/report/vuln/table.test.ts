import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../core/finding.js';
import { encodeVulnTable } from './table.js';
import { debianAppReport, emptyReport } from './testdata/scan-reports.js';

const ESC = '\x1b';

describe('vulnerability table', () => {
  it('groups findings by package, worst package first, with installed → fix and the layer that brought it', () => {
    const text = encodeVulnTable(debianAppReport);
    const headings = text.split('\n').filter((l) => / → /.test(l));
    expect(headings).toEqual([
      'log4j-core 2.14.1 → 2.16.0  (app/lib/log4j-core-2.14.1.jar, layer 2: COPY target/lib/ /app/lib/)',
      'log4j 1.2.17 → no fix  (app/lib/log4j-1.2.17.jar, layer 2: COPY target/lib/ /app/lib/)',
      'lodash 4.17.15 → 4.17.20  (app/node_modules/lodash/package.json, layer 3: RUN cd /app && npm ci --omit=dev)',
      'zlib1g (source zlib) 1:1.2.11.dfsg-2+deb11u1 → 1:1.2.11.dfsg-2+deb11u2  (var/lib/dpkg/status, layer 0: ADD file:6b2c9f5d3c1e… in /)',
    ]);
    expect(text).toMatch(/CVE-2021-44228 +critical +fixed in 2\.15\.0 +KEV +97\.6% +Remote code injection in Log4j/);
  });

  it('totals by severity, counts suppressed, lists undecided findings with their reason and warns', () => {
    const text = encodeVulnTable(debianAppReport);
    expect(text).toContain('Total: 5 vulnerabilities in 4 packages (3 critical, 1 high, 1 medium), 1 known exploited (KEV)');
    expect(text).toContain('2 findings suppressed by ignore rules or VEX (--show-suppressed lists them).');
    expect(text).toMatch(/CVE-2022-42889 +commons-text +\$\{commons-text.version\} +installed version .* is not a Maven version/);
    expect(text).toContain('1 ignore rule has expired and no longer suppresses anything:\n  CVE-2022-37434 expired 2024-09-30 (.groutignore.yaml)');
    expect(text).toContain('Debian GNU/Linux 11 (bullseye) reached end of life on 2024-08-14');
    expect(text).toContain('The vulnerability database was built 2024-10-25T06:00:00Z and is stale');
    // Suppressed and undecided findings are not in the grouped table.
    expect(text).not.toMatch(/^ {2}CVE-2021-23337/m);
    expect(text).not.toMatch(/^ {2}CVE-2022-42889/m);
  });

  it('lists suppressed findings with their reason or justification with showSuppressed', () => {
    const text = encodeVulnTable(debianAppReport, { showSuppressed: true });
    expect(text).toMatch(/CVE-2021-23337 +lodash +4\.17\.15 +VEX not_affected +vulnerable_code_not_in_execute_path: the service never calls _\.template \(vex\/api\.openvex\.json\)/);
    expect(text).toMatch(/CVE-2011-3374 +apt +2\.2\.4 +ignore rule +apt-key is never run in the container \(\.groutignore\.yaml, until 2025-06-30\)/);
  });

  it('says clearly when nothing was found, with the number of packages scanned', () => {
    expect(encodeVulnTable(emptyReport)).toContain('No vulnerabilities found (2 packages scanned).');
    const onlySuppressed: ScanReport = { ...debianAppReport, findings: debianAppReport.findings.filter((f) => f.suppression), expiredIgnores: [] };
    const text = encodeVulnTable(onlySuppressed);
    expect(text).toContain('No vulnerabilities found (10 packages scanned).');
    expect(text).toContain('2 findings suppressed');
  });

  it('colours severities only when asked', () => {
    expect(encodeVulnTable(debianAppReport)).not.toContain(ESC);
    const coloured = encodeVulnTable(debianAppReport, { color: true });
    expect(coloured).toContain(`${ESC}[1;31mcritical`);
    expect(coloured).toContain(`${ESC}[31mhigh`);
    expect(coloured).toContain(`${ESC}[33mmedium`);
    // Without the escapes, the coloured table is the plain one (alignment is computed on the plain text).
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(encodeVulnTable(debianAppReport));
  });

  it('flattens and truncates long or multi-line summaries', () => {
    const f = debianAppReport.findings[0]!;
    const text = encodeVulnTable({ ...debianAppReport, findings: [{ ...f, summary: `line one\nline two ${'x'.repeat(200)}` }] });
    const row = text.split('\n').find((l) => l.includes('CVE-2021-44228'))!;
    expect(row).toContain('line one line two');
    expect(row.endsWith('…')).toBe(true);
  });

  it('never passes control characters from image or feed text to the terminal', () => {
    const f = debianAppReport.findings[0]!;
    const hostile = {
      ...f,
      summary: `ok\x1b[2J\x1b]0;pwned\x07 text`,
      package: { ...f.package, name: 'evil\x1b[31m', version: '1.0\r\nFAKE LINE', path: 'a\x1b[8mhidden' },
    };
    const report: ScanReport = { ...debianAppReport, findings: [hostile, { ...debianAppReport.findings[6]!, package: { ...hostile.package } }] };
    const ours = new Set(['\x1b[0m', '\x1b[1m', '\x1b[2m', '\x1b[31m', '\x1b[33m', '\x1b[34m', '\x1b[1;31m']);
    for (const options of [{}, { showSuppressed: true }, { color: true, showSuppressed: true }]) {
      const text = encodeVulnTable(report, options);
      const escapes = text.match(/\x1b\S{0,6}?m|\x1b/g) ?? [];
      if ('color' in options) expect(escapes.every((e) => ours.has(e))).toBe(true);
      else expect(escapes).toEqual([]);
      expect(text).toContain('evil\ufffd[31m');
      expect(text).toContain('a\ufffd[8mhidden');
      expect(text).not.toContain('\x07');
      expect(text).not.toMatch(/^FAKE LINE/m);
    }
    expect(encodeVulnTable(report)).toContain('evil\ufffd[31m 1.0  FAKE LINE');
  });
});

