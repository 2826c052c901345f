import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../core/finding.js';
import { encodeVulnOpenVex, type OpenVexStatement } from './openvex.js';
import { debianAppReport, emptyReport } from './testdata/scan-reports.js';

interface OpenVexDocument {
  '@context': string;
  '@id': string;
  author: string;
  timestamp: string;
  version: number;
  tooling: string;
  statements: OpenVexStatement[];
}

function vex(report: ScanReport): OpenVexDocument {
  return JSON.parse(encodeVulnOpenVex(report, { toolVersion: '0.1.0-test' })) as OpenVexDocument;
}

const IMAGE_PURL = `pkg:oci/api@${debianAppReport.image.manifestDigest}?arch=amd64&repository_url=registry.example%2Fshop%2Fapi&tag=1.4.2`;
const JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
];

describe('OpenVEX', () => {
  it('has the v0.2.0 document fields', () => {
    const doc = vex(debianAppReport);
    expect(Object.keys(doc)).toEqual(['@context', '@id', 'author', 'role', 'timestamp', 'version', 'tooling', 'statements']);
    expect(doc['@context']).toBe('https://openvex.dev/ns/v0.2.0');
    expect(doc['@id']).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.author).toBe('grout');
    expect(doc.timestamp).toBe('2024-11-04T09:30:00Z');
    expect(doc.version).toBe(1);
    expect(doc.tooling).toBe('grout 0.1.0-test');
  });

  it('derives @id from the content: same scan same id, different scan different id', () => {
    expect(vex(debianAppReport)['@id']).toBe(vex(debianAppReport)['@id']);
    expect(vex({ ...debianAppReport, scannedAt: '2024-11-05T09:30:00Z' })['@id']).not.toBe(vex(debianAppReport)['@id']);
    expect(vex({ ...debianAppReport, findings: debianAppReport.findings.slice(1) })['@id']).not.toBe(vex(debianAppReport)['@id']);
  });

  it('states an affected finding with the image as product, the package as subcomponent and the upgrade as action', () => {
    const st = vex(debianAppReport).statements.find((s) => s.vulnerability.name === 'CVE-2020-8203');
    expect(st).toEqual({
      vulnerability: { name: 'CVE-2020-8203', aliases: ['GHSA-p6mc-m468-83gw'] },
      products: [{ '@id': IMAGE_PURL, subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.15' }] }],
      status: 'affected',
      action_statement: 'Upgrade lodash to 4.17.20',
    });
  });

  it('says when no fix is available', () => {
    const st = vex(debianAppReport).statements.find((s) => s.vulnerability.name === 'CVE-2019-17571');
    expect(st).toMatchObject({ status: 'affected', action_statement: 'No fix available', status_notes: 'state: unfixed' });
  });

  it('states a VEX-suppressed finding not_affected with its justification', () => {
    const st = vex(debianAppReport).statements.find((s) => s.vulnerability.name === 'CVE-2021-23337');
    expect(st).toMatchObject({ status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impact_statement: 'the service never calls _.template' });
    expect(st?.action_statement).toBeUndefined();
  });

  it('keeps an ignored finding affected, with the rule in status_notes; an undecided one under_investigation', () => {
    const doc = vex(debianAppReport);
    expect(doc.statements.find((s) => s.vulnerability.name === 'CVE-2011-3374')).toMatchObject({
      status: 'affected',
      status_notes: expect.stringContaining('ignored by a rule in .groutignore.yaml'),
    });
    expect(doc.statements.find((s) => s.vulnerability.name === 'CVE-2022-42889')).toMatchObject({ status: 'under_investigation' });
  });

  it('every statement is well formed', () => {
    for (const st of vex(debianAppReport).statements) {
      expect(['not_affected', 'affected', 'fixed', 'under_investigation']).toContain(st.status);
      expect(st.vulnerability.name).toMatch(/\S/);
      expect(st.products).toHaveLength(1);
      expect(st.products[0]?.['@id']).toBe(IMAGE_PURL);
      for (const c of st.products[0]?.subcomponents ?? []) expect(c['@id']).toMatch(/^pkg:/);
      if (st.status === 'affected') expect(st.action_statement).toMatch(/\S/);
      if (st.status === 'not_affected') {
        expect(st.justification !== undefined || st.impact_statement !== undefined).toBe(true);
        if (st.justification !== undefined) expect(JUSTIFICATIONS).toContain(st.justification);
      }
    }
  });

  it('maps a CycloneDX justification back, and gives a VEX fixed status', () => {
    const f = debianAppReport.findings[5]!;
    const doc = vex({
      ...debianAppReport,
      findings: [
        { ...f, suppression: { by: 'vex', source: 'bom.cdx.json', vexStatus: 'not_affected', justification: 'code_not_reachable' } },
        { ...f, id: 'CVE-2000-0001', suppression: { by: 'vex', source: 'v.json', vexStatus: 'fixed' } },
        { ...f, id: 'CVE-2000-0002', suppression: { by: 'vex', source: 'v.json', vexStatus: 'not_affected' } },
      ],
    });
    expect(doc.statements[0]).toMatchObject({ status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' });
    expect(doc.statements[1]).toMatchObject({ status: 'fixed' });
    expect(doc.statements[2]).toMatchObject({ status: 'not_affected', impact_statement: 'Not affected according to v.json' });
  });

  it('merges statements that differ only in the package', () => {
    const f = debianAppReport.findings[3]!;
    const twin = { ...f, package: { ...f.package, id: 'npm-other', purl: 'pkg:npm/lodash@4.17.15?vendored=true', path: 'app/vendor/lodash/package.json' } };
    const doc = vex({ ...debianAppReport, findings: [f, twin] });
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements[0]?.products[0]?.subcomponents).toEqual([{ '@id': 'pkg:npm/lodash@4.17.15' }, { '@id': 'pkg:npm/lodash@4.17.15?vendored=true' }]);
  });

  it('names an image without a manifest digest by its reference, and has no statements when nothing was found', () => {
    const doc = vex(emptyReport);
    expect(doc.statements).toEqual([]);
    const f = debianAppReport.findings[0]!;
    const st = vex({ ...emptyReport, findings: [f] }).statements[0];
    expect(st?.products[0]?.['@id']).toBe('docker-archive:build/base.tar');
  });
});
