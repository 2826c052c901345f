/** Every record of the real OSV samples in ../shared/vulndata parses, with the counts the MANIFEST gives. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import { evaluateOsvAffected, mavenScheme, semverScheme } from '../../../version/index.js';
import type { Advisory, FeedItem } from '../../advisory.js';
import { osvFormat } from './osv-format.js';
import { osvRecordToAdvisory } from './osv-record.js';

async function parse(path: string, feed = 'osv-test'): Promise<{ advisories: Advisory[]; skipped: Extract<FeedItem, { type: 'skipped' }>[] }> {
  const advisories: Advisory[] = [];
  const skipped: Extract<FeedItem, { type: 'skipped' }>[] = [];
  for await (const item of osvFormat.parse({ path, label: path }, { feed })) {
    if (item.type === 'advisory') advisories.push(item.advisory);
    else if (item.type === 'skipped') skipped.push(item);
  }
  return { advisories, skipped };
}

const countBy = <T,>(items: T[], key: (item: T) => string): Record<string, number> =>
  items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [key(item)]: (acc[key(item)] ?? 0) + 1 }), {});

describe('OSV JSON lines from vulndata/osv', () => {
  it.each([
    ['go-vulndb.jsonl.gz', 4291, 17],
    ['rustsec.jsonl.gz', 1206, 13],
    ['pypa.jsonl.gz', 2661, 10],
    ['ghsa-subset.jsonl.gz', 378, 0],
  ])('%s: %i records, %i withdrawn, nothing else skipped', async (file, records, withdrawn) => {
    const { advisories, skipped } = await parse(vulndata('osv', file));
    expect(advisories.length + skipped.length).toBe(records);
    expect(skipped.length).toBe(withdrawn);
    for (const s of skipped) {
      expect(s.where).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}:\\d+$`));
      expect(s.reason).toMatch(/^"[A-Z]+-[\w-]+": withdrawn on "\d{4}-/);
    }
    // Every advisory has at least one comparable affected entry, in the file's one ecosystem family.
    for (const a of advisories) expect(a.affected.length).toBeGreaterThan(0);
    expect(new Set(advisories.map((a) => a.id)).size).toBe(advisories.length);
  });

  it('RustSec informational advisories are their own kinds (MANIFEST: 267 unmaintained, 203 unsound, 6 notice)', async () => {
    const { advisories } = await parse(vulndata('osv', 'rustsec.jsonl.gz'));
    // 10 of the 476 are withdrawn (9 unmaintained, 1 unsound) and so are not advisories.
    expect(countBy(advisories, (a) => a.kind)).toEqual({ vulnerability: 727, unmaintained: 258, unsound: 202, notice: 6 });
    // With withdrawal ignored, the kinds are exactly the MANIFEST's split.
    const lines = gunzipSync(readFileSync(vulndata('osv', 'rustsec.jsonl.gz'))).toString('utf8').split('\n').filter(Boolean);
    const kinds = lines.map((line, i) => {
      const { withdrawn: _, ...record } = JSON.parse(line) as Record<string, unknown>;
      const result = osvRecordToAdvisory(record, 'osv-crates.io', `rustsec:${i + 1}`);
      return 'skipped' in result ? 'skipped' : result.kind;
    });
    expect(countBy(kinds, (k) => k)).toEqual({ vulnerability: 730, unmaintained: 267, unsound: 203, notice: 6 });
  });

  it('RustSec CVSS vectors are kept (417 records have one)', async () => {
    const { advisories } = await parse(vulndata('osv', 'rustsec.jsonl.gz'));
    // None of the 417 is withdrawn.
    expect(advisories.filter((a) => a.severity.some((s) => s.type === 'CVSS_V3' || s.type === 'CVSS_V4'))).toHaveLength(417);
  });

  it('PyPI keeps ECOSYSTEM ranges and versions, drops GIT ranges, and keeps "0.10" a string', async () => {
    const { advisories } = await parse(vulndata('osv', 'pypa.jsonl.gz'));
    const trac = advisories.find((a) => a.id === 'PYSEC-2005-1');
    expect(trac?.affected).toEqual([
      { ecosystem: 'PyPI', name: 'trac', status: 'affected', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.10' }] }], versions: ['0.8.4', '0.9'] },
    ]);
    expect(advisories.flatMap((a) => a.affected.flatMap((p) => p.ranges)).some((r) => r.type === 'GIT')).toBe(false);
  });

  it('Go records: ecosystem Go, SEMVER ranges, published kept', async () => {
    const { advisories } = await parse(vulndata('osv', 'go-vulndb.jsonl.gz'));
    const gin = advisories.find((a) => a.id === 'GO-2020-0001');
    expect(gin).toMatchObject({ aliases: ['CVE-2020-36567', 'GHSA-6vm3-jj99-7229'], published: '2021-04-14T20:04:52Z', kind: 'vulnerability' });
    expect(gin?.affected[0]).toMatchObject({ ecosystem: 'Go', name: 'github.com/gin-gonic/gin', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.6.0' }] }] });
  });

  it('GHSA: Log4Shell has its CVE alias, a CVSS v3 vector, the GHSA level, CWEs and exact ranges', async () => {
    const { advisories } = await parse(vulndata('osv', 'ghsa-subset.jsonl.gz'), 'osv-maven');
    const log4shell = advisories.find((a) => a.id === 'GHSA-jfh8-c2jp-5v3q');
    expect(log4shell?.aliases).toEqual(['CVE-2021-44228']);
    expect(log4shell?.severity).toEqual([
      { type: 'CVSS_V3', value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', source: 'osv-maven' },
      { type: 'level', value: 'CRITICAL', source: 'ghsa' },
    ]);
    expect(log4shell?.cwes).toEqual(['CWE-20', 'CWE-400', 'CWE-502', 'CWE-917']);
    const verdict = (version: string): string[] =>
      (log4shell?.affected ?? []).map((p) => evaluateOsvAffected(version, p, { ecosystem: mavenScheme, semver: semverScheme }).status);
    expect(verdict('2.14.1')).toContain('affected');
    expect(verdict('2.15.0')).not.toContain('affected');
    expect(verdict('2.12.2')).not.toContain('affected');
    // Records per ecosystem (a record may name several), as the MANIFEST counts them.
    const ecosystems = advisories.flatMap((a) => [...new Set(a.affected.map((p) => p.ecosystem))]);
    expect(countBy(ecosystems, (e) => e)).toEqual({ Maven: 368, npm: 10, NuGet: 5, RubyGems: 2, Go: 2, PyPI: 2, Packagist: 1, SwiftURL: 1 });
    expect(advisories.every((a) => a.severity.some((s) => s.source === 'ghsa'))).toBe(true);
  });
});

describe('distro and malicious OSV samples', () => {
  it('Debian OSV: release ecosystems Debian:7, Debian:11, Debian:12', async () => {
    const { advisories, skipped } = await parse(vulndata('debian', 'osv-samples'), 'osv-debian');
    expect(skipped).toEqual([]);
    expect(advisories.map((a) => a.id)).toEqual(['DSA-3029-1', 'DSA-5474-1']);
    expect(advisories[1]?.affected.map((p) => [p.ecosystem, p.name, p.ranges[0]?.events])).toEqual([
      ['Debian:11', 'intel-microcode', [{ introduced: '0' }, { fixed: '3.20230808.1~deb11u1' }]],
      ['Debian:12', 'intel-microcode', [{ introduced: '0' }, { fixed: '3.20230808.1~deb12u1' }]],
    ]);
    expect(advisories[0]?.affected[0]?.ecosystem).toBe('Debian:7');
  });

  it('Ubuntu OSV: LTS, Pro and interim ecosystems, binaries, Ubuntu priority; withdrawn records skipped', async () => {
    const { advisories, skipped } = await parse(vulndata('ubuntu', 'osv-samples'), 'osv-ubuntu');
    expect(skipped.map((s) => s.where.replace(/^.*osv-samples\//, ''))).toEqual(['UBUNTU-CVE-2013-2208.json', 'UBUNTU-CVE-2020-36325.json', 'esm/UBUNTU-CVE-2014-2901.json']);
    expect(skipped.every((s) => s.reason.includes('withdrawn'))).toBe(true);
    expect(advisories.map((a) => a.id).sort()).toEqual([
      'UBUNTU-CVE-2014-9913',
      'UBUNTU-CVE-2016-20013',
      'UBUNTU-CVE-2021-3782',
      'UBUNTU-CVE-2022-24823',
      'UBUNTU-CVE-2025-38094',
      'UBUNTU-CVE-2026-1403',
      'USN-5614-1',
    ]);
    const ecosystems = new Set(advisories.flatMap((a) => a.affected.map((p) => p.ecosystem)));
    for (const e of ['Ubuntu:22.04:LTS', 'Ubuntu:Pro:16.04:LTS', 'Ubuntu:25.10', 'Ubuntu:14.04:LTS']) expect(ecosystems).toContain(e);

    const usn = advisories.find((a) => a.id === 'USN-5614-1');
    expect(usn?.related).toEqual(['UBUNTU-CVE-2021-3782']);
    const jammy = usn?.affected.find((p) => p.ecosystem === 'Ubuntu:22.04:LTS');
    expect(jammy?.name).toBe('wayland');
    expect(jammy?.binaries).toContain('libwayland-client0');

    const wayland = advisories.find((a) => a.id === 'UBUNTU-CVE-2021-3782');
    expect(wayland?.related).toEqual(['CVE-2021-3782', 'USN-5614-1', 'USN-5614-2']);
    expect(wayland?.severity.filter((s) => s.type === 'level')).toEqual([{ type: 'level', value: 'medium', source: 'osv-ubuntu' }]);
    expect(wayland?.severity.filter((s) => s.type === 'CVSS_V3')).toHaveLength(1);
    const glibc = advisories.find((a) => a.id === 'UBUNTU-CVE-2016-20013');
    expect(glibc?.severity.find((s) => s.type === 'level')?.value).toBe('negligible');
    expect(glibc?.affected.find((p) => p.name === 'eglibc')?.binaries).toContain('libc6');
  });

  it('malicious packages: kind malicious, every version affected, CWE-506, GHSA alias', async () => {
    const { advisories, skipped } = await parse(vulndata('malicious', 'ossf-malicious-packages-sample'), 'osv-malicious');
    expect(skipped).toEqual([]);
    expect(advisories.map((a) => [a.id, a.kind, a.affected[0]?.name])).toEqual([
      ['MAL-2022-3', 'malicious', '--legacy-peer-deps'],
      ['MAL-2022-9', 'malicious', '0-dns'],
      ['MAL-2025-20690', 'malicious', 'flatmap-stream'],
    ]);
    expect(advisories[0]?.aliases).toEqual(['GHSA-w947-rqr8-vxgg']);
    // The two older records carry CWE-506 per package; MAL-2025-20690 carries none.
    expect(advisories.map((a) => a.cwes)).toEqual([['CWE-506'], ['CWE-506'], []]);
    expect(advisories[0]?.affected[0]?.ranges).toEqual([{ type: 'SEMVER', events: [{ introduced: '0' }] }]);
  });
});
