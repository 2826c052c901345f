import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { sortByRisk } from './risk.js';

const finding = (id: string, extra: Partial<Finding> = {}): Finding => ({
  id,
  aliases: [],
  kind: 'vulnerability',
  severity: 'medium',
  severitySource: 'x',
  cvss: [],
  references: [],
  cwes: [],
  package: { id: 'p', name: 'p', version: '1', ecosystem: 'npm', purl: 'pkg:npm/p@1', path: 'a' },
  state: 'fixed',
  fixedVersions: [],
  evidence: [],
  ...extra,
});

describe('sortByRisk', () => {
  it('suppressed last, KEV first, then severity, EPSS, CVSS, actionable, id', () => {
    const cvss = (score: number) => [{ version: '3.1' as const, vector: 'v', score, source: 's' }];
    const kev = { cve: 'x', dateAdded: '2021-01-01', knownRansomwareCampaignUse: false };
    const list = [
      finding('A-suppressed', { severity: 'critical', kev, suppression: { by: 'vex', source: 'v.json' } }),
      finding('B-low-kev', { severity: 'low', kev }),
      finding('C-critical', { severity: 'critical' }),
      finding('D-high-epss', { severity: 'high', epss: { cve: 'x', score: 0.2, percentile: 0.5 } }),
      finding('E-high-cvss9', { severity: 'high', cvss: cvss(8.9) }),
      finding('F-high-cvss7', { severity: 'high', cvss: cvss(7) }),
      finding('G-high-unfixed', { severity: 'high', state: 'unfixed' }),
      finding('H-high', { severity: 'high' }),
      finding('I-unknown', { severity: 'unknown' }),
      finding('J-negligible', { severity: 'negligible' }),
    ];
    const order = ['B-low-kev', 'C-critical', 'D-high-epss', 'E-high-cvss9', 'F-high-cvss7', 'H-high', 'G-high-unfixed', 'J-negligible', 'I-unknown', 'A-suppressed'];
    expect(sortByRisk(list).map((f) => f.id)).toEqual(order);
    expect(sortByRisk([...list].reverse()).map((f) => f.id)).toEqual(order);
  });

  it('ties break on package name and version', () => {
    const a = finding('CVE-1', { package: { id: '2', name: 'b', version: '1', ecosystem: 'npm', purl: '', path: '' } });
    const b = finding('CVE-1', { package: { id: '1', name: 'a', version: '2', ecosystem: 'npm', purl: '', path: '' } });
    const c = finding('CVE-1', { package: { id: '3', name: 'a', version: '1', ecosystem: 'npm', purl: '', path: '' } });
    expect(sortByRisk([a, b, c]).map((f) => `${f.package.name}@${f.package.version}`)).toEqual(['a@1', 'a@2', 'b@1']);
  });
});
