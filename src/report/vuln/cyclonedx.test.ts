import { describe, expect, it } from 'vitest';
import type { Finding, ScanReport } from '../../core/finding.js';
import { encodeCycloneDx } from '../../sbom/index.js';
import { cycloneDxValidator, describeErrors } from '../../sbom/testdata/schemas.js';
import { encodeVulnCycloneDx } from './cyclonedx.js';
import { dateTime } from './document-id.js';
import { debianAppReport, emptyReport } from './testdata/scan-reports.js';

interface Vulnerability {
  'bom-ref': string;
  id: string;
  source: { name: string; url: string };
  references?: { id: string; source: { name: string; url: string } }[];
  ratings: { source?: { name: string }; score?: number; severity: string; method: string; vector?: string }[];
  cwes?: number[];
  description?: string;
  recommendation: string;
  advisories?: { title?: string; url: string }[];
  published?: string;
  analysis?: { state?: string; justification?: string; detail: string };
  affects: { ref: string; versions?: { version: string; status: string }[] }[];
  properties?: { name: string; value: string }[];
}
interface Bom {
  serialNumber: string;
  metadata: { timestamp: string; component: { 'bom-ref': string } };
  components: { 'bom-ref': string }[];
  dependencies: unknown[];
  vulnerabilities: Vulnerability[];
}

const TOOL = { toolVersion: '0.1.0-test' };

function bom(report: ScanReport): Bom {
  return JSON.parse(encodeVulnCycloneDx(report, TOOL)) as Bom;
}

function vuln(b: Bom, id: string): Vulnerability {
  const v = b.vulnerabilities.find((x) => x.id === id);
  if (!v) throw new Error(`no ${id}`);
  return v;
}

describe('CycloneDX with vulnerabilities', () => {
  it.each([
    ['debian-app', debianAppReport],
    ['empty', emptyReport],
  ] as const)('%s is valid against the CycloneDX 1.6 schema', (_name, report) => {
    const validate = cycloneDxValidator();
    expect(validate(bom(report)), describeErrors(validate.errors)).toBe(true);
  });

  it('holds the SBOM of grout sbom -f cyclonedx unchanged: same components, bom-refs and dependencies', () => {
    const sbom = JSON.parse(encodeCycloneDx(debianAppReport.inventory, TOOL)) as Bom;
    const doc = bom(debianAppReport);
    expect(doc.components).toEqual(sbom.components);
    expect(doc.dependencies).toEqual(sbom.dependencies);
    expect(doc.metadata.component).toEqual(sbom.metadata.component);
    // A different document: its own serial number, stamped with the scan time.
    expect(doc.serialNumber).not.toBe(sbom.serialNumber);
    expect(doc.metadata.timestamp).toBe('2024-11-04T09:30:00Z');
  });

  it('has one vulnerability per finding, suppressed ones included, with unique bom-refs that point at components', () => {
    const doc = bom(debianAppReport);
    expect(doc.vulnerabilities.map((v) => v.id)).toEqual(debianAppReport.findings.map((f) => f.id));
    const refs = new Set(doc.components.map((c) => c['bom-ref']));
    const vulnRefs = doc.vulnerabilities.map((v) => v['bom-ref']);
    expect(new Set(vulnRefs).size).toBe(vulnRefs.length);
    for (const r of vulnRefs) expect(refs.has(r)).toBe(false);
    for (const v of doc.vulnerabilities) for (const a of v.affects) expect(refs.has(a.ref)).toBe(true);
  });

  it('describes lodash CVE-2020-8203 field by field', () => {
    const v = vuln(bom(debianAppReport), 'CVE-2020-8203');
    expect(v.source).toEqual({ name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203' });
    expect(v.references).toEqual([{ id: 'GHSA-p6mc-m468-83gw', source: { name: 'GitHub Advisory Database', url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw' } }]);
    expect(v.ratings).toEqual([{ source: { name: 'ghsa' }, score: 7.4, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H' }]);
    expect(v.cwes).toEqual([770, 1321]);
    expect(v.description).toBe('Prototype Pollution in lodash');
    expect(v.recommendation).toBe('Upgrade lodash to 4.17.20');
    expect(v.published).toBe('2020-07-15T19:15:48Z');
    expect(v.advisories?.[0]).toEqual({ url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203' });
    expect(v.affects).toEqual([{ ref: 'npm-8293a4b5c6d7e8f9', versions: [{ version: '4.17.15', status: 'affected' }] }]);
    expect(v.analysis).toBeUndefined();
  });

  it('rates a distro severity with method other and marks KEV as properties', () => {
    const doc = bom(debianAppReport);
    expect(vuln(doc, 'CVE-2022-37434').ratings).toEqual([{ source: { name: 'debian-tracker' }, severity: 'medium', method: 'other' }]);
    expect(vuln(doc, 'CVE-2022-37434').references?.[0]?.source.name).toBe('Debian Security Tracker');
    const kev = vuln(doc, 'CVE-2021-44228');
    expect(kev.properties).toEqual(
      expect.arrayContaining([
        { name: 'grout:kev', value: 'true' },
        { name: 'grout:kev:date-added', value: '2021-12-10' },
        { name: 'grout:kev:known-ransomware-campaign-use', value: 'true' },
      ]),
    );
    expect(kev.advisories).toContainEqual({ title: 'CISA Known Exploited Vulnerabilities Catalog', url: 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog' });
    expect(kev.ratings[0]).toMatchObject({ score: 10, severity: 'critical', method: 'CVSSv31' });
    expect(vuln(doc, 'CVE-2011-3374').ratings).toEqual([{ source: { name: 'debian-tracker' }, severity: 'info', method: 'other' }]);
  });

  it('maps CVSS versions to their methods and v2 scores to v2 bands', () => {
    const f = debianAppReport.findings[3]!;
    const multi: Finding = {
      ...f,
      cvss: [
        { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', score: 9.3, source: 'nvd' },
        { version: '3.0', vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8, source: 'nvd' },
        { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3, source: 'ghsa' },
      ],
    };
    const doc = bom({ ...debianAppReport, findings: [multi] });
    expect(doc.vulnerabilities[0]?.ratings.map((r) => [r.method, r.severity])).toEqual([
      ['CVSSv2', 'high'],
      ['CVSSv3', 'critical'],
      ['CVSSv4', 'critical'],
    ]);
    const validate = cycloneDxValidator();
    expect(validate(doc), describeErrors(validate.errors)).toBe(true);
  });

  it('gives a VEX-suppressed finding an analysis: not_affected with the justification in CycloneDX terms', () => {
    const v = vuln(bom(debianAppReport), 'CVE-2021-23337');
    expect(v.analysis).toEqual({
      state: 'not_affected',
      justification: 'code_not_reachable',
      detail: 'VEX not_affected in vex/api.openvex.json: vulnerable_code_not_in_execute_path: the service never calls _.template',
    });
    expect(v.affects[0]?.versions).toEqual([{ version: '4.17.15', status: 'unaffected' }]);
  });

  it('gives an ignore rule only a detail (no claim about the code) and an undecided finding status unknown', () => {
    const doc = bom(debianAppReport);
    expect(vuln(doc, 'CVE-2011-3374').analysis).toEqual({ detail: 'Ignored by a rule in .groutignore.yaml until 2025-06-30: apt-key is never run in the container' });
    expect(vuln(doc, 'CVE-2011-3374').affects[0]?.versions?.[0]?.status).toBe('affected');
    expect(vuln(doc, 'CVE-2022-42889').affects[0]?.versions?.[0]?.status).toBe('unknown');
  });

  it.each([
    ['vulnerable_code_not_present', 'code_not_present'],
    ['component_not_present', 'code_not_present'],
    ['inline_mitigations_already_exist', 'protected_by_mitigating_control'],
    ['vulnerable_code_cannot_be_controlled_by_adversary', 'requires_environment'],
    ['protected_at_runtime', 'protected_at_runtime'],
  ])('maps the VEX justification %s to %s', (from, to) => {
    const f = debianAppReport.findings[5]!;
    const doc = bom({ ...debianAppReport, findings: [{ ...f, suppression: { by: 'vex', source: 'v.json', vexStatus: 'not_affected', justification: from } }] });
    expect(doc.vulnerabilities[0]?.analysis?.justification).toBe(to);
  });

  it('drops what the schema would reject: bad CWE ids, unparsable dates, an unknown justification', () => {
    const f = debianAppReport.findings[5]!;
    const odd: Finding = {
      ...f,
      cwes: ['CWE-0', 'NVD-CWE-noinfo', 'CWE-79', 'cwe-79'],
      published: 'yesterday',
      suppression: { by: 'vex', source: 'v.json', vexStatus: 'fixed', justification: 'made_up' },
    };
    const doc = bom({ ...debianAppReport, findings: [odd] });
    const v = doc.vulnerabilities[0]!;
    expect(v.cwes).toEqual([79]);
    expect(v.published).toBeUndefined();
    expect(v.analysis).toMatchObject({ state: 'resolved' });
    expect(v.analysis?.justification).toBeUndefined();
    const validate = cycloneDxValidator();
    expect(validate(doc), describeErrors(validate.errors)).toBe(true);
  });
});

describe('dateTime', () => {
  it.each([
    ['2020-07-15T19:15:48Z', '2020-07-15T19:15:48Z'],
    ['2020-07-15T19:15:48.123456789Z', '2020-07-15T19:15:48Z'],
    ['2020-07-15', '2020-07-15T00:00:00Z'],
    ['2020-07-15T21:15:48+02:00', '2020-07-15T19:15:48Z'],
    ['2020-07-15 19:15', '2020-07-15T19:15:00Z'],
  ])('%s → %s', (input, out) => {
    expect(dateTime(input)).toBe(out);
  });

  it.each(['', 'yesterday', '2021-02-31', '2021-13-01', '2021-01-01T25:00:00Z', '20210101'])('rejects %j', (input) => {
    expect(dateTime(input)).toBeUndefined();
  });
});
