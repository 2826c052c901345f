import { describe, expect, it } from 'vitest';
import type { Finding, ScanReport } from '../../core/finding.js';
import { encodeVulnMarkdown } from './markdown.js';
import { markdownCell, markdownLink } from './markdown-text.js';
import { debianAppReport, emptyReport } from './testdata/scan-reports.js';

function tableRows(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---') && !l.startsWith('| Vulnerability'));
}

describe('markdown report', () => {
  it('titles the image, counts by severity and tabulates findings not suppressed', () => {
    const md = encodeVulnMarkdown(debianAppReport);
    expect(md.startsWith('### grout: 5 vulnerabilities in registry.example/shop/api:1.4.2\n\n**3 critical** · **1 high** · 1 medium · **1 known exploited** · 1 undecided · 2 suppressed\n')).toBe(true);
    const rows = tableRows(md);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toBe('| **critical** | [CVE-2021-44228](https://nvd.nist.gov/vuln/detail/CVE-2021-44228) | log4j-core | 2.14.1 | 2.15.0 | **yes** |');
    expect(rows[5]).toContain('undecided');
    expect(md).not.toContain('CVE-2021-23337');
  });

  it('caps the table at maxRows with "and M more"', () => {
    const md = encodeVulnMarkdown(debianAppReport, { maxRows: 2 });
    expect(tableRows(md)).toHaveLength(2);
    expect(md).toContain('_…and 4 more._');
  });

  it('escapes | and newlines in cells so advisory text cannot break the table or inject HTML', () => {
    const f = debianAppReport.findings[3]!;
    const hostile: Finding = { ...f, id: 'GHSA-x|y', package: { ...f.package, name: 'evil|pkg\n| injected | row |', version: '<img src=x onerror=alert(1)>' } };
    const md = encodeVulnMarkdown({ ...debianAppReport, findings: [hostile] });
    const rows = tableRows(md);
    expect(rows).toHaveLength(1);
    // Seven unescaped pipes: six columns.
    expect(rows[0]!.replace(/\\\|/g, '').split('|')).toHaveLength(8);
    expect(md).toContain('evil\\|pkg \\| injected \\| row \\|');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md).not.toContain('<img');
  });

  it('says nothing was found, with the packages scanned', () => {
    expect(encodeVulnMarkdown(emptyReport)).toBe('### grout: no vulnerabilities found in alpine:3.20\n\n2 packages scanned.\n');
  });

  it('lists suppressed findings in a details block with showSuppressed, and warns', () => {
    const md = encodeVulnMarkdown(debianAppReport, { showSuppressed: true });
    expect(md).toContain('<details><summary>2 suppressed</summary>');
    expect(md).toContain('vulnerable\\_code\\_not\\_in\\_execute\\_path');
    expect(md).toContain('> [!WARNING]\n> Debian GNU/Linux 11 (bullseye) reached end of life on 2024-08-14');
  });

  it('markdownCell and markdownLink', () => {
    expect(markdownCell('a|b\r\nc *d* [e](f) `g` <h> & \\')).toBe('a\\|b c \\*d\\* \\[e\\](f) \\`g\\` &lt;h&gt; &amp; \\\\');
    expect(markdownCell('a\x1bb\x00')).toBe('a\ufffdb\ufffd');
    expect(markdownLink('CVE-1', 'https://x.example/a b)(')).toBe('[CVE-1](https://x.example/a%20b%29%28)');
  });

  it('renders a report whose only findings are undecided', () => {
    const r: ScanReport = { ...debianAppReport, findings: debianAppReport.findings.filter((f) => f.state === 'unknown') };
    const md = encodeVulnMarkdown(r);
    expect(md).toContain('### grout: no vulnerabilities found');
    expect(md).toContain('1 undecided');
    expect(tableRows(md)).toHaveLength(1);
  });
});
