import { describe, expect, it } from 'vitest';
import type { Advisory } from '../../advisory.js';
import { osvRecordToAdvisory } from './osv-record.js';

const base = {
  schema_version: '1.6.0',
  id: 'GHSA-aaaa-bbbb-cccc',
  modified: '2024-01-02T00:00:00Z',
  published: '2024-01-01T00:00:00Z',
  aliases: ['CVE-2024-0002', 'GHSA-aaaa-bbbb-cccc', 'CVE-2024-0001'],
  summary: 'Prototype pollution',
  details: 'Long text',
  affected: [
    {
      package: { ecosystem: 'npm', name: 'lodash', purl: 'pkg:npm/lodash' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
      versions: ['4.17.20'],
    },
  ],
  references: [{ type: 'WEB', url: 'https://example.test/a' }, { type: 'ADVISORY', url: 'https://example.test/a' }, { url: 'https://example.test/b' }, { type: 'WEB' }],
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, { type: 'CVSS_V3', score: 'not a vector' }, { type: 'WHATEVER', score: 'x' }],
  database_specific: { severity: 'MODERATE', cwe_ids: ['CWE-1321', 'CWE-79', 'CWE-79', 'bogus'] },
};

function convert(record: unknown, feed = 'osv-npm'): Advisory {
  const result = osvRecordToAdvisory(record, feed, 'test.jsonl:1');
  if ('skipped' in result) throw new Error(result.skipped);
  return result;
}

function skipReason(record: unknown): string {
  const result = osvRecordToAdvisory(record, 'osv-npm', 'test.jsonl:7');
  if (!('skipped' in result)) throw new Error(`expected a skip, got advisory ${result.id}`);
  return result.skipped;
}

const withAffected = (affected: unknown): unknown => ({ ...base, affected });

describe('osvRecordToAdvisory', () => {
  it('converts a GHSA-shaped record', () => {
    expect(convert(base)).toEqual({
      id: 'GHSA-aaaa-bbbb-cccc',
      aliases: ['CVE-2024-0001', 'CVE-2024-0002'],
      related: [],
      feed: 'osv-npm',
      kind: 'vulnerability',
      summary: 'Prototype pollution',
      details: 'Long text',
      published: '2024-01-01T00:00:00Z',
      modified: '2024-01-02T00:00:00Z',
      severity: [
        { type: 'CVSS_V3', value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', source: 'osv-npm' },
        { type: 'level', value: 'MODERATE', source: 'ghsa' },
      ],
      references: ['https://example.test/a', 'https://example.test/b'],
      cwes: ['CWE-1321', 'CWE-79'],
      affected: [
        {
          ecosystem: 'npm',
          name: 'lodash',
          status: 'affected',
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
          versions: ['4.17.20'],
        },
      ],
    });
  });

  it('reads Ubuntu upstream, related, level severity, per-package severity and binaries', () => {
    const advisory = convert(
      {
        schema_version: '1.7.0',
        id: 'UBUNTU-CVE-2021-3782',
        upstream: ['CVE-2021-3782'],
        related: ['USN-5614-2', 'USN-5614-1'],
        severity: [
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H' },
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H' },
          { type: 'Ubuntu', score: 'medium' },
        ],
        affected: [
          {
            package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'wayland' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.20.0-1ubuntu0.1' }] }],
            severity: [{ type: 'Ubuntu', score: 'low' }],
            ecosystem_specific: { binaries: [{ binary_name: 'libwayland-server0', binary_version: '1' }, { binary_name: 'libwayland-bin' }, 'libwayland-bin', 42] },
          },
        ],
      },
      'osv-ubuntu',
    );
    expect(advisory.related).toEqual(['CVE-2021-3782', 'USN-5614-1', 'USN-5614-2']);
    expect(advisory.severity).toEqual([
      { type: 'CVSS_V3', value: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H', source: 'osv-ubuntu' },
      { type: 'level', value: 'medium', source: 'osv-ubuntu' },
    ]);
    expect(advisory.affected[0]?.severity).toEqual([{ type: 'level', value: 'low', source: 'osv-ubuntu' }]);
    expect(advisory.affected[0]?.binaries).toEqual(['libwayland-bin', 'libwayland-server0']);
  });

  it('keeps CVSS v2 and v4 vectors', () => {
    const advisory = convert({ ...base, severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }, { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }], database_specific: {} });
    expect(advisory.severity.map((s) => s.type)).toEqual(['CVSS_V2', 'CVSS_V4']);
  });

  describe('kind', () => {
    const rust = (...informational: (string | null)[]): unknown =>
      withAffected(informational.map((value, i) => ({ package: { ecosystem: 'crates.io', name: `c${i}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }], database_specific: { informational: value } })));
    it.each([
      [['unmaintained'], 'unmaintained'],
      [['unsound', 'unsound'], 'unsound'],
      [['notice'], 'notice'],
      [['unsound', 'unmaintained'], 'notice'],
      [['unsound', null], 'vulnerability'],
      [[null], 'vulnerability'],
      [['something-new'], 'notice'],
    ] as const)('RustSec informational %j → %s', (values, kind) => {
      expect(convert(rust(...values)).kind).toBe(kind);
    });

    it('MAL ids and malicious-packages provenance are malicious, with the per-package CWE', () => {
      const mal = {
        id: 'MAL-2022-3',
        affected: [{ package: { ecosystem: 'npm', name: '--legacy-peer-deps' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }], database_specific: { cwes: [{ cweId: 'CWE-506', name: 'Embedded Malicious Code' }] } }],
      };
      expect(convert(mal).kind).toBe('malicious');
      expect(convert(mal).cwes).toEqual(['CWE-506']);
      expect(convert({ ...mal, id: 'GHSA-w947-rqr8-vxgg', database_specific: { 'malicious-packages-origins': [] } }).kind).toBe('malicious');
    });
  });

  describe('skips with a precise reason', () => {
    it.each([
      ['not an object', ['x'], 'test.jsonl:7: not an OSV record (a JSON array, not an object)'],
      ['no id', { ...base, id: undefined }, 'test.jsonl:7: missing id'],
      ['empty id', { ...base, id: '' }, 'test.jsonl:7: missing id'],
      ['a malformed id', { ...base, id: 'has space' }, 'malformed id "has space"'],
      ['withdrawn', { ...base, withdrawn: '2024-02-01T00:00:00Z' }, 'test.jsonl:7: "GHSA-aaaa-bbbb-cccc": withdrawn on "2024-02-01T00:00:00Z"'],
      ['a schema 2', { ...base, schema_version: '2.0.0' }, 'unsupported schema_version "2.0.0"'],
      ['no affected', { ...base, affected: [] }, 'no affected packages'],
      ['an empty ecosystem', withAffected([{ package: { ecosystem: '', name: 'x' }, versions: ['1'] }]), 'affected[0].package.ecosystem is missing or empty'],
      ['an unknown ecosystem', withAffected([{ package: { ecosystem: 'Nonsense', name: 'x' }, versions: ['1'] }]), 'no affected package grout can match (unknown ecosystem "Nonsense")'],
      ['a bare ecosystem suffix', withAffected([{ package: { ecosystem: 'Debian:', name: 'x' }, versions: ['1'] }]), 'unknown ecosystem "Debian:"'],
      ['no package name', withAffected([{ package: { ecosystem: 'npm' }, versions: ['1'] }]), 'affected[0].package.name is missing or empty'],
      ['a range without events', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [] }] }]), 'affected[0].ranges[0] has no events'],
      ['a range with no events key', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER' }] }]), 'affected[0].ranges[0] has no events'],
      ['an unknown range type', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'DATE', events: [{ introduced: '0' }] }] }]), 'affected[0].ranges[0].type "DATE" is not SEMVER, ECOSYSTEM or GIT'],
      ['an event with two keys', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }] }]), 'events[0] must have exactly one of introduced, fixed, last_affected, limit (has 2)'],
      ['a numeric event', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 1.2 }] }] }]), 'affected[0].ranges[0].events[1].fixed is a number, not a version string'],
      ['a non-string version', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0', 2] }]), 'affected[0].versions[1] is a number, not a string'],
      ['versions not a list', withAffected([{ package: { ecosystem: 'npm', name: 'x' }, versions: '1.0.0' }]), 'affected[0].versions is a string, not an array'],
      ['only GIT ranges', withAffected([{ package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }] }]), '"x" has only GIT ranges'],
      ['no ranges or versions', withAffected([{ package: { ecosystem: 'PyPI', name: 'x' } }]), '"x" has no ranges or versions'],
      ['aliases of numbers', { ...base, aliases: [1] }, 'aliases[0] is a number, not a string'],
    ])('%s', (_, record, reason) => {
      expect(skipReason(record)).toContain(reason);
    });

    it('bounds arrays', () => {
      const many = Array.from({ length: 10_001 }, () => ({ package: { ecosystem: 'npm', name: 'x' }, versions: ['1'] }));
      expect(skipReason(withAffected(many))).toContain('affected has 10001 items (at most 10000 are read)');
    });

    it('quotes a hostile id short', () => {
      expect(skipReason({ ...base, id: 'A'.repeat(100_000) }).length).toBeLessThan(200);
    });
  });

  it('drops unknown-ecosystem, package-less and GIT-only entries from an otherwise good record', () => {
    const advisory = convert(
      withAffected([
        { package: { ecosystem: 'Nonsense', name: 'x' }, versions: ['1'] },
        { ranges: [{ type: 'GIT', repo: 'https://example.test/r', events: [{ introduced: 'abc' }] }] },
        { package: { ecosystem: 'PyPI', name: 'y' }, ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }, { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.10' }] }] },
      ]),
    );
    expect(advisory.affected).toEqual([{ ecosystem: 'PyPI', name: 'y', status: 'affected', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.10' }] }], versions: [] }]);
  });

  it('reads descriptive fields leniently', () => {
    const advisory = convert({ ...base, summary: 42, details: null, references: 'nope', severity: {}, database_specific: [] });
    expect(advisory.summary).toBeUndefined();
    expect(advisory.details).toBeUndefined();
    expect(advisory.references).toEqual([]);
    expect(advisory.severity).toEqual([]);
  });
});
