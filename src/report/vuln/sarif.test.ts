import { describe, expect, it } from 'vitest';
import type { Finding, ScanReport } from '../../core/finding.js';
import { describeErrors } from '../../sbom/testdata/schemas.js';
import { encodeVulnSarif, imageRepository } from './sarif.js';
import { sarifValidator } from './testdata/sarif-schema.js';
import { debianAppReport, emptyReport } from './testdata/scan-reports.js';

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  properties: { 'security-severity'?: string; tags: string[] };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  kind?: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { name: string; fullyQualifiedName: string }[] }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}
interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } }; automationDetails: { id: string }; results: SarifResult[] }[];
}

function sarif(report: ScanReport, showSuppressed = false): SarifLog {
  return JSON.parse(encodeVulnSarif(report, { toolVersion: '0.1.0-test', showSuppressed })) as SarifLog;
}

function run(log: SarifLog): SarifLog['runs'][number] {
  const r = log.runs[0];
  if (!r) throw new Error('no run');
  return r;
}

describe('SARIF', () => {
  it.each([
    ['debian-app', debianAppReport, false],
    ['debian-app with suppressed', debianAppReport, true],
    ['empty', emptyReport, false],
  ] as const)('%s is valid against the SARIF 2.1.0 schema', (_name, report, showSuppressed) => {
    const validate = sarifValidator();
    expect(validate(sarif(report, showSuppressed)), describeErrors(validate.errors)).toBe(true);
  });

  it('the schema validator rejects a broken log (it really validates)', () => {
    const validate = sarifValidator();
    const log = sarif(debianAppReport) as unknown as { runs: { results: { level: string }[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('has one rule per vulnerability id and one result per finding not suppressed, each pointing at its rule', () => {
    const r = run(sarif(debianAppReport));
    const active = debianAppReport.findings.filter((f) => !f.suppression);
    expect(r.results.map((x) => x.ruleId)).toEqual(active.map((f) => f.id));
    expect(r.tool.driver.rules.map((x) => x.id)).toEqual([...new Set(active.map((f) => f.id))]);
    for (const res of r.results) expect(r.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    expect(r.tool.driver).toMatchObject({ name: 'grout', version: '0.1.0-test' });
    expect(r.automationDetails.id).toBe('grout/registry.example/shop/api/');
  });

  it('gives GitHub a security-severity and the security tag on every rule with a known severity', () => {
    const rules = run(sarif(debianAppReport)).tool.driver.rules;
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('CVE-2021-44228')?.properties).toMatchObject({ 'security-severity': '10.0', tags: expect.arrayContaining(['security', 'known-exploited']) });
    expect(byId.get('CVE-2020-8203')?.properties['security-severity']).toBe('7.4');
    // Debian rated zlib's CVE medium and no CVSS vector is at hand: the middle of GitHub's medium band.
    expect(byId.get('CVE-2022-37434')?.properties['security-severity']).toBe('5.5');
    for (const rule of rules) {
      expect(rule.properties.tags).toContain('security');
      expect(rule.helpUri).toMatch(/^https:\/\//);
      expect(rule.help.markdown).toContain(rule.id);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
    }
  });

  it('uses the severity band instead of a CVSS score that disagrees with grout severity', () => {
    const f = debianAppReport.findings.find((x) => x.id === 'CVE-2020-8203')!;
    const lowered: Finding = { ...f, severity: 'low', severitySource: 'debian-tracker: low' };
    const rules = run(sarif({ ...debianAppReport, findings: [lowered] })).tool.driver.rules;
    expect(rules[0]?.properties['security-severity']).toBe('2.0');
  });

  it('levels follow severity; undecided findings are review results', () => {
    const results = run(sarif(debianAppReport)).results;
    const level = (id: string): string | undefined => results.find((r) => r.ruleId === id)?.level;
    expect(level('CVE-2021-44228')).toBe('error');
    expect(level('CVE-2020-8203')).toBe('error');
    expect(level('CVE-2022-37434')).toBe('warning');
    expect(results.find((r) => r.ruleId === 'CVE-2022-42889')).toMatchObject({ kind: 'review', level: 'none' });
  });

  it('names the package, installed and fixed versions, the evidence path and the image', () => {
    const res = run(sarif(debianAppReport)).results.find((r) => r.ruleId === 'CVE-2020-8203')!;
    expect(res.message.text).toContain('lodash 4.17.15');
    expect(res.message.text).toContain('4.17.20');
    expect(res.locations[0]?.physicalLocation.artifactLocation.uri).toBe('app/node_modules/lodash/package.json');
    expect(res.locations[0]?.logicalLocations[0]).toMatchObject({
      name: 'registry.example/shop/api:1.4.2',
      fullyQualifiedName: `registry.example/shop/api@${debianAppReport.image.manifestDigest}`,
    });
  });

  it('keeps partialFingerprints stable across runs and version bumps, distinct across packages', () => {
    const fp = (report: ScanReport): string[] => run(sarif(report)).results.map((r) => Object.values(r.partialFingerprints)[0]!);
    const first = fp(debianAppReport);
    const bumped: ScanReport = {
      ...debianAppReport,
      scannedAt: '2025-01-01T00:00:00Z',
      findings: debianAppReport.findings.map((f) => ({ ...f, package: { ...f.package, version: `${f.package.version}-rebuilt`, layer: 7 } })),
    };
    expect(fp(bumped)).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('lists suppressed findings with external suppressions only with showSuppressed', () => {
    expect(run(sarif(debianAppReport)).results.some((r) => r.suppressions)).toBe(false);
    const suppressed = run(sarif(debianAppReport, true)).results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => r.ruleId)).toEqual(['CVE-2021-23337', 'CVE-2011-3374']);
    expect(suppressed[0]?.suppressions?.[0]).toMatchObject({ kind: 'external', justification: expect.stringContaining('vulnerable_code_not_in_execute_path') });
    expect(suppressed[1]?.suppressions?.[0]?.justification).toContain('apt-key is never run');
  });

  it('escapes in-image paths into URI references', () => {
    const f = debianAppReport.findings[0]!;
    const odd: Finding = { ...f, package: { ...f.package, path: 'opt/my app/100%/lib.jar' } };
    const res = run(sarif({ ...debianAppReport, findings: [odd] })).results[0]!;
    expect(res.locations[0]?.physicalLocation.artifactLocation.uri).toBe('opt/my%20app/100%25/lib.jar');
    const validate = sarifValidator();
    expect(validate(sarif({ ...debianAppReport, findings: [odd] })), describeErrors(validate.errors)).toBe(true);
  });

  it('an image without tags is categorised by its reference', () => {
    const untagged: ScanReport = { ...emptyReport, image: { ...emptyReport.image, tags: [] } };
    expect(run(sarif(untagged)).automationDetails.id).toBe('grout/docker-archive:build/base.tar/');
  });

  it.each([
    ['registry.example/shop/api:1.4.2', 'registry.example/shop/api'],
    ['localhost:5000/app@sha256:abc', 'localhost:5000/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
    ['alpine', 'alpine'],
  ])('imageRepository(%s) = %s', (name, repo) => {
    expect(imageRepository(name)).toBe(repo);
  });
});
