import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/finding.js';
import { advisorySource } from './advisory-links.js';
import { compareVersionsLoosely, eolWarning, epssPercent, fixTarget, packageFixTarget, recommendation, shortCreatedBy } from './finding-facts.js';
import { debianAppReport } from './testdata/scan-reports.js';

const [log4Shell, log4jIncomplete, log4j1] = debianAppReport.findings as [Finding, Finding, Finding];

describe('fix target', () => {
  it('takes the fix of the matched range, not the lowest fix of another branch', () => {
    expect(log4Shell.fixedVersions).toEqual(['2.3.1', '2.12.2', '2.15.0']);
    expect(fixTarget(log4Shell)).toBe('2.15.0');
  });

  it('falls back to the highest fix when the evidence names none, and has none when nothing is fixed', () => {
    expect(fixTarget({ ...log4Shell, evidence: [] })).toBe('2.15.0');
    expect(fixTarget(log4j1)).toBeUndefined();
    expect(fixTarget({ ...log4Shell, state: 'will-not-fix' })).toBeUndefined();
  });

  it('the package target fixes all its findings', () => {
    expect(packageFixTarget([log4Shell, log4jIncomplete])).toBe('2.16.0');
    expect(packageFixTarget([log4j1])).toBeUndefined();
  });

  it('recommends in words', () => {
    expect(recommendation(log4Shell)).toBe('Upgrade log4j-core to 2.15.0');
    expect(recommendation(log4j1)).toBe('No fix available');
    expect(recommendation({ ...log4j1, state: 'will-not-fix' })).toBe('No fix available (will-not-fix)');
  });
});

describe('compareVersionsLoosely', () => {
  it.each([
    ['2.16.0', '2.15.0', 1],
    ['2.9.0', '2.10.0', -1],
    ['1:1.2.11.dfsg-2+deb11u2', '1:1.2.11.dfsg-2+deb11u10', -1],
    ['1.0', '1.0.1', -1],
    ['1.0.0', '1.0.0', 0],
    ['007', '7', 0],
    ['99999999999999999999999', '99999999999999999999998', 1],
  ] as const)('%s vs %s → %d', (a, b, expected) => {
    expect(compareVersionsLoosely(a, b)).toBe(expected);
    expect(compareVersionsLoosely(b, a)).toBe(-expected || 0);
  });
});

describe('display helpers', () => {
  it.each([
    ['/bin/sh -c #(nop) ADD file:6b2c9f5d3c1e8a0b7f4d2e1c9a8b7c6d5e4f3a2b in / ', 'ADD file:6b2c9f5d3c1e… in /'],
    ['RUN /bin/sh -c apt-get update # buildkit', 'RUN apt-get update'],
    ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD ["bash"]'],
    ['COPY target/lib/ /app/lib/ # buildkit', 'COPY target/lib/ /app/lib/'],
  ])('shortCreatedBy(%j) = %j', (input, out) => {
    expect(shortCreatedBy(input)).toBe(out);
  });

  it('shortens a long created_by', () => {
    expect(shortCreatedBy(`RUN ${'x'.repeat(100)}`, 20)).toHaveLength(20);
  });

  it.each([
    [0.97565, '97.6%'],
    [0.00091, '0.09%'],
    [0.01655, '1.7%'],
    [Number.NaN, ''],
  ])('epssPercent(%d) = %s', (score, text) => {
    expect(epssPercent({ cve: 'CVE-1', score, percentile: 0.5 })).toBe(text);
  });

  it.each([
    ['CVE-2021-44228', 'NVD', 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228'],
    ['GHSA-p6mc-m468-83gw', 'GitHub Advisory Database', 'https://github.com/advisories/GHSA-p6mc-m468-83gw'],
    ['DSA-5218-1', 'Debian Security Tracker', 'https://security-tracker.debian.org/tracker/DSA-5218-1'],
    ['RUSTSEC-2021-0001', 'RustSec', 'https://rustsec.org/advisories/RUSTSEC-2021-0001.html'],
    ['GO-2022-0001', 'Go Vulnerability Database', 'https://pkg.go.dev/vuln/GO-2022-0001'],
    ['PYSEC-2021-1', 'OSV', 'https://osv.dev/vulnerability/PYSEC-2021-1'],
    ['odd/id?', 'OSV', 'https://osv.dev/vulnerability/odd%2Fid%3F'],
  ])('advisorySource(%s)', (id, name, url) => {
    expect(advisorySource(id)).toEqual({ name, url });
  });
});

describe('distro end-of-life warning', () => {
  it('says plainly when the release gets no fixes, and names extended support while it lasts', () => {
    expect(eolWarning(debianAppReport)).toMatch(/reached end of life on 2024-08-14: it gets no more security fixes/);
    const lts = { ...debianAppReport, distroEol: { product: 'debian', cycle: '11', eol: '2024-08-14', ended: true, extendedUntil: '2026-08-31', extendedEnded: false } };
    expect(eolWarning(lts)).toMatch(/end of regular security support on 2024-08-14; only extended \(LTS\) support continues until 2026-08-31/);
    expect(eolWarning({ ...debianAppReport, distroEol: { product: 'debian', cycle: '12', eol: '2026-07-11', ended: false } })).toBeUndefined();
  });
});
