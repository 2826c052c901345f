/**
 * Matching against real advisories from ../shared/vulndata (GHSA, PyPA, Go, RustSec, malicious packages, Ubuntu
 * OSV, Alpine secfixes, the Debian DSA list, CISA KEV), through the real OSV converter and an in-memory store.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryAdvisoryStore, alpineSecfixAdvisories, distroAdvisory, dsaAdvisory, osvAdvisories, readEpss, readKev } from '../../test/memory-advisory-store.js';
import { vulndata } from '../../test/shared-data.js';
import type { Finding } from '../core/finding.js';
import type { Package } from '../core/model.js';
import type { Advisory } from '../vulndb/advisory.js';
import { debianDsaListFormat } from '../vulndb/feeds/debian/dsa-list-format.js';
import { matchInventory, matchInventoryReport } from './match-inventory.js';
import { ALPINE_320, DEBIAN_11, DEBIAN_12, UBUNTU_2204, inventory, maven, npm, pkg, pypi } from './testdata/packages.js';

let store: MemoryAdvisoryStore;
let ghsa: Advisory[];

const dir = (...parts: string[]): string[] => readdirSync(vulndata(...parts)).filter((f) => f.endsWith('.json')).map((f) => vulndata(...parts, f));

beforeAll(() => {
  ghsa = osvAdvisories([vulndata('osv', 'ghsa-subset.jsonl.gz')], 'osv-ghsa');
  store = new MemoryAdvisoryStore({
    advisories: [
      ...ghsa,
      ...osvAdvisories([vulndata('osv', 'pypa.jsonl.gz')], 'osv-pypi'),
      ...osvAdvisories([vulndata('osv', 'go-vulndb.jsonl.gz')], 'osv-go'),
      ...osvAdvisories([vulndata('osv', 'rustsec.jsonl.gz')], 'osv-crates.io'),
      ...osvAdvisories(dir('malicious', 'ossf-malicious-packages-sample', 'npm'), 'osv-malicious'),
      ...osvAdvisories([...dir('ubuntu', 'osv-samples'), ...dir('ubuntu', 'osv-samples', 'esm')], 'osv-ubuntu'),
      ...readdirSync(vulndata('alpine', 'vuln-list-sample', '3.20', 'main')).flatMap((f) => alpineSecfixAdvisories(vulndata('alpine', 'vuln-list-sample', '3.20', 'main', f), 'Alpine:v3.20')),
      // DSA.list (MANIFEST 3a), as the DSA-list parser shapes them.
      dsaAdvisory('DSA-5380-1', ['CVE-2023-1393'], [{ release: '11', source: 'xorg-server', fixed: '2:1.20.11-1+deb11u6' }]),
      dsaAdvisory('DSA-5342-1', ['CVE-2023-0494'], [{ release: '11', source: 'xorg-server', fixed: '2:1.20.11-1+deb11u5' }]),
      dsaAdvisory('DSA-5304-1', ['CVE-2022-4283', 'CVE-2022-46340', 'CVE-2022-46341', 'CVE-2022-46342', 'CVE-2022-46343', 'CVE-2022-46344'], [{ release: '11', source: 'xorg-server', fixed: '2:1.20.11-1+deb11u4' }]),
    ],
    kev: readKev(vulndata('kev', 'known_exploited_vulnerabilities.json')),
    epss: readEpss(vulndata('epss', 'epss-excerpt-2024-10-25.csv')),
  });
});

const match = (packages: Package[], distro = undefined as Parameters<typeof inventory>[1], includeNotices = false): Finding[] =>
  matchInventory(inventory(packages, distro), store, { includeNotices, now: new Date('2025-01-01T00:00:00Z') });
const summary = (findings: Finding[]): { id: string; aliases: string[]; state: string; fixedVersions: string[] }[] =>
  findings.map((f) => ({ id: f.id, aliases: f.aliases, state: f.state, fixedVersions: f.fixedVersions }));
const ids = (findings: Finding[]): string[] => findings.map((f) => f.id).sort();

describe('npm packages of the acceptance image', () => {
  it('lodash 4.17.15: CVE-2020-8203 and CVE-2021-23337, each with its GHSA and fix', () => {
    const findings = match([npm('lodash', '4.17.15')]);
    expect(summary(findings).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      // The GHSA record's range says fixed 4.17.20 (its prose says "prior to 4.17.19"); the range rules.
      { id: 'CVE-2020-8203', aliases: ['GHSA-p6mc-m468-83gw'], state: 'fixed', fixedVersions: ['4.17.20'] },
      { id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'], state: 'fixed', fixedVersions: ['4.17.21'] },
    ]);
    const f = findings.find((x) => x.id === 'CVE-2021-23337')!;
    expect(f.evidence).toEqual([
      { feed: 'osv-ghsa', advisory: 'GHSA-35jh-r3h4-6jhm', query: { ecosystem: 'npm', name: 'lodash', version: '4.17.15' }, matched: 'introduced 0, fixed 4.17.21', status: 'affected', fixed: ['4.17.21'] },
    ]);
    expect(f).toMatchObject({ severity: 'high', severitySource: 'CVSS_V3 7.2 (osv-ghsa)', kind: 'vulnerability', cwes: ['CWE-77', 'CWE-94'] });
    expect(f.package).toMatchObject({ name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', path: 'app/package-lock.json', layer: 1, layerDiffId: 'sha256:bbbb', layerCreatedBy: 'RUN npm ci' });
  });

  it('lodash 4.17.21 and the other fixed releases are clean', () => {
    expect(match([npm('lodash', '4.17.21'), npm('minimist', '1.2.6'), npm('axios', '1.6.0'), npm('express', '4.19.2'), npm('qs', '6.7.3'), npm('follow-redirects', '1.14.8')])).toEqual([]);
  });

  it('minimist 1.2.0, axios 0.21.0, express 4.17.1, qs 6.7.0, follow-redirects 1.14.0', () => {
    const findings = match([npm('minimist', '1.2.0'), npm('axios', '0.21.0'), npm('express', '4.17.1'), npm('qs', '6.7.0'), npm('follow-redirects', '1.14.0')]);
    expect(findings.map((f) => [f.package.name, f.id, f.aliases[0], f.severity, f.fixedVersions.join(' ')])).toEqual([
      // Risk order: critical, then high by CVSS score (8.0 before 7.5), then medium.
      // GHSA writes one affected entry per release line: only the entry that holds the version gives its fix.
      ['minimist', 'CVE-2021-44906', 'GHSA-xvch-5gv4-984h', 'critical', '1.2.6'],
      ['follow-redirects', 'CVE-2022-0155', 'GHSA-74fj-2j2h-c42q', 'high', '1.14.8'],
      ['qs', 'CVE-2022-24999', 'GHSA-hrpp-h998-j3pp', 'high', '6.7.3'],
      ['express', 'CVE-2024-29041', 'GHSA-rv95-896h-c2vc', 'medium', '4.19.2'],
      ['axios', 'CVE-2023-45857', 'GHSA-wf5p-g6vw-rhxx', 'medium', '1.6.0'],
    ]);
    // axios' record has no CVSS vector: the GHSA level decides.
    expect(findings.find((f) => f.package.name === 'axios')).toMatchObject({ severitySource: 'ghsa: MODERATE', cvss: [] });
  });
});

describe('log4j-core and jackson-databind hit exactly the affected versions', () => {
  const log4j = (version: string): Package => maven('org.apache.logging.log4j:log4j-core', version);

  it('2.14.1: the three log4j GHSAs; the two KEV-listed ones first', () => {
    const findings = match([log4j('2.14.1')]);
    expect(findings.map((f) => [f.id, f.aliases, f.severity, Boolean(f.kev)])).toEqual([
      ['CVE-2021-44228', ['GHSA-jfh8-c2jp-5v3q'], 'critical', true],
      ['CVE-2021-45046', ['GHSA-7rjr-3q55-vv33'], 'critical', true],
      ['CVE-2021-45105', ['GHSA-p6xc-xr62-6r2g'], 'high', false],
    ]);
    expect(findings[0]?.kev).toMatchObject({ cve: 'CVE-2021-44228', vendorProject: 'Apache', product: 'Log4j2', dateAdded: '2021-12-10', knownRansomwareCampaignUse: true });
    expect(findings[0]?.fixedVersions).toEqual(['2.15.0']);
  });

  it('2.16.0: only CVE-2021-45105; 2.17.0: none (the 4th advisory, CVE-2021-44832, is not in the subset)', () => {
    expect(ids(match([log4j('2.16.0')]))).toEqual(['CVE-2021-45105']);
    expect(match([log4j('2.17.0')])).toEqual([]);
    expect(ids(match([log4j('2.12.1')]))).toEqual(['CVE-2021-44228', 'CVE-2021-45046', 'CVE-2021-45105']);
    expect(ids(match([log4j('2.12.2')]))).toEqual(['CVE-2021-45105']);
  });

  it("jackson-databind: ranges alone agree with OSV's own versions[] lists on every listed version", () => {
    const name = 'com.fasterxml.jackson.core:jackson-databind';
    const records = ghsa.filter((a) => a.affected.some((e) => e.ecosystem === 'Maven' && e.name === name));
    // MANIFEST says 156; the subset holds 69 records that name jackson-databind (the 156 counts other jackson artifacts).
    expect(records.length).toBe(69);
    // A store with the versions[] lists removed, so only the ranges decide; the lists are the expected answer.
    const rangesOnly = new MemoryAdvisoryStore({
      advisories: records.map((a) => ({ ...a, affected: a.affected.map((e) => ({ ...e, versions: [] })) })),
    });
    const expected = new Map<string, Set<string>>();
    for (const a of records) for (const e of a.affected) if (e.name === name) for (const v of e.versions) expected.set(v, (expected.get(v) ?? new Set()).add(a.id));
    expect(expected.size).toBeGreaterThan(100);
    const disagreements: string[] = [];
    let hits = 0;
    for (const [version, want] of [...expected.entries()].sort()) {
      const findings = matchInventory(inventory([maven(name, version)]), rangesOnly, { now: new Date(0) });
      const got = new Set(findings.flatMap((f) => f.evidence.map((e) => e.advisory)));
      hits += got.size;
      for (const id of want) if (!got.has(id)) disagreements.push(`${version}: missed ${id}`);
      for (const id of got) if (!want.has(id)) disagreements.push(`${version}: extra ${id}`);
    }
    expect(hits).toBeGreaterThan(5000);
    expect(disagreements).toEqual([]);
  });
});

describe('Debian: source packages within the exact release', () => {
  const xorg = (version: string, distro = DEBIAN_11): Package =>
    pkg({ ecosystem: 'deb', name: 'xserver-xorg-core', version, source: { name: 'xorg-server' }, path: 'var/lib/dpkg/status', layer: 0 }, distro);

  it('bullseye xserver-xorg-core 2:1.20.11-1+deb11u5 → DSA-5380-1 / CVE-2023-1393; +deb11u6 → clean', () => {
    const findings = match([xorg('2:1.20.11-1+deb11u5')], DEBIAN_11);
    expect(summary(findings)).toEqual([{ id: 'CVE-2023-1393', aliases: ['DSA-5380-1'], state: 'fixed', fixedVersions: ['2:1.20.11-1+deb11u6'] }]);
    expect(findings[0]?.evidence[0]).toMatchObject({ feed: 'debian-dsa', advisory: 'DSA-5380-1', query: { ecosystem: 'Debian:11', name: 'xorg-server', version: '2:1.20.11-1+deb11u5' } });
    expect(findings[0]?.package.purl).toBe('pkg:deb/debian/xserver-xorg-core@2:1.20.11-1+deb11u5?distro=debian-11&upstream=xorg-server');
    expect(match([xorg('2:1.20.11-1+deb11u6')], DEBIAN_11)).toEqual([]);
  });

  it('a DSA naming six CVEs gives six findings, each carrying the DSA id', () => {
    const findings = match([xorg('2:1.20.11-1+deb11u3')], DEBIAN_11);
    expect(findings.map((f) => [f.id, f.aliases.join(' ')]).sort()).toEqual([
      ['CVE-2022-4283', 'DSA-5304-1'],
      ['CVE-2022-46340', 'DSA-5304-1'],
      ['CVE-2022-46341', 'DSA-5304-1'],
      ['CVE-2022-46342', 'DSA-5304-1'],
      ['CVE-2022-46343', 'DSA-5304-1'],
      ['CVE-2022-46344', 'DSA-5304-1'],
      ['CVE-2023-0494', 'DSA-5342-1'],
      ['CVE-2023-1393', 'DSA-5380-1'],
    ]);
  });

  it('the whole real DSA.list, through the DSA-list feed parser, gives the same answer', async () => {
    const advisories: Advisory[] = [];
    for await (const item of debianDsaListFormat.parse({ path: vulndata('debian', 'security-tracker', 'DSA.list'), label: 'DSA.list' }, { feed: 'debian-dsa' })) {
      if (item.type === 'advisory') advisories.push(item.advisory);
    }
    expect(advisories.length).toBeGreaterThan(5000);
    const dsa = new MemoryAdvisoryStore({ advisories });
    const run = (version: string): string[] => matchInventory(inventory([xorg(version)], DEBIAN_11), dsa, { now: new Date(0) }).map((f) => `${f.id} ${f.aliases.join(',')}`).sort();
    expect(run('2:1.20.11-1+deb11u5')).toEqual(['CVE-2023-1393 DSA-5380-1']);
    expect(run('2:1.20.11-1+deb11u6')).toEqual([]);
    expect(run('2:1.20.11-1+deb11u3')).toHaveLength(8);
  });

  it('a bullseye advisory never applies to bookworm', () => {
    expect(match([xorg('2:1.20.11-1+deb11u5', DEBIAN_12)], DEBIAN_12)).toEqual([]);
  });

  it("the distro's not-affected triage wins over another feed's affected record for the same CVE", () => {
    const triaged = new MemoryAdvisoryStore({
      advisories: [
        dsaAdvisory('DSA-5380-1', ['CVE-2023-1393'], [{ release: '11', source: 'xorg-server', fixed: '2:1.20.11-1+deb11u6' }]),
        distroAdvisory('CVE-2023-1393', [], 'debian-tracker', [{ ecosystem: 'Debian:11', name: 'xorg-server', status: 'not-affected', ranges: [], versions: [], note: 'vulnerable code not present' }]),
      ],
    });
    const report = matchInventory(inventory([xorg('2:1.20.11-1+deb11u5')], DEBIAN_11), triaged, { now: new Date(0) });
    expect(report).toEqual([]);
  });

  it('distro statuses: unfixed, will-not-fix, end-of-life and unimportant are affected whatever the version', () => {
    const statuses = new MemoryAdvisoryStore({
      advisories: (['unfixed', 'will-not-fix', 'end-of-life', 'unimportant'] as const).map((status, i) =>
        distroAdvisory(`CVE-2099-000${i}`, [], 'debian-tracker', [
          { ecosystem: 'Debian:11', name: 'xorg-server', status, ranges: [], versions: [], severity: [{ type: 'level', value: status === 'unimportant' ? 'unimportant' : 'low', source: 'debian-tracker' }] },
        ]),
      ),
    });
    const findings = matchInventory(inventory([xorg('2:1.20.11-1+deb11u6')], DEBIAN_11), statuses, { now: new Date(0) });
    expect(findings.map((f) => [f.id, f.state, f.severity, f.severitySource])).toEqual([
      ['CVE-2099-0000', 'unfixed', 'low', 'debian-tracker: low'],
      ['CVE-2099-0001', 'will-not-fix', 'low', 'debian-tracker: low'],
      ['CVE-2099-0002', 'end-of-life', 'low', 'debian-tracker: low'],
      ['CVE-2099-0003', 'unimportant', 'negligible', 'debian-tracker: unimportant'],
    ]);
  });
});

describe('Alpine: origin packages in the branch', () => {
  const apk = (name: string, version: string, origin: string): Package =>
    pkg({ ecosystem: 'apk', name, version, metadata: { kind: 'apk', origin }, path: 'lib/apk/db/installed', layer: 0 }, ALPINE_320);

  it('libssl3 3.3.1-r0 (origin openssl) in v3.20: the secfixes above its version', () => {
    const findings = match([apk('libssl3', '3.3.1-r0', 'openssl')], ALPINE_320);
    const got = ids(findings);
    expect(got).toContain('CVE-2024-5535');
    expect(got).toContain('CVE-2024-6119');
    expect(got).not.toContain('CVE-2024-4741'); // fixed in 3.3.0-r3, older than installed
    expect(got).not.toContain('CVE-2022-1292'); // secfix "0": never affected in this branch
    expect(findings.find((f) => f.id === 'CVE-2024-5535')).toMatchObject({
      state: 'fixed',
      fixedVersions: ['3.3.1-r1'],
      evidence: [{ feed: 'alpine-secdb', advisory: 'CVE-2024-5535', query: { ecosystem: 'Alpine:v3.20', name: 'openssl', version: '3.3.1-r0' }, matched: 'introduced 0, fixed 3.3.1-r1' }],
    });
    expect(match([apk('libssl3', '3.3.7-r0', 'openssl')], ALPINE_320)).toEqual([]);
  });

  it('the same package on another branch is not matched against v3.20', () => {
    expect(match([apk('libssl3', '3.3.1-r0', 'openssl')], { ...ALPINE_320, versionId: '3.19.1' })).toEqual([]);
  });
});

describe('Ubuntu: binaries limit an entry to the binary packages it names', () => {
  const deb = (name: string, version: string, source: string): Package => pkg({ ecosystem: 'deb', name, version, source: { name: source }, path: 'var/lib/dpkg/status' }, UBUNTU_2204);

  it('libc6 (source glibc) is affected by UBUNTU-CVE-2016-20013; libc6-dev, not in its binaries, is not', () => {
    const findings = match([deb('libc6', '2.35-0ubuntu3.6', 'glibc'), deb('libc6-dev', '2.35-0ubuntu3.6', 'glibc')], UBUNTU_2204);
    expect(findings.map((f) => [f.package.name, f.id, f.aliases, f.state, f.severity, f.severitySource])).toEqual([
      ['libc6', 'CVE-2016-20013', ['UBUNTU-CVE-2016-20013'], 'unfixed', 'negligible', 'osv-ubuntu: negligible'],
    ]);
  });

  it('a USN and the UBUNTU-CVE record it names merge into one finding', () => {
    const findings = match([deb('libwayland-client0', '1.20.0-1', 'wayland')], UBUNTU_2204);
    expect(summary(findings)).toEqual([
      { id: 'CVE-2021-3782', aliases: ['UBUNTU-CVE-2021-3782', 'USN-5614-1'], state: 'fixed', fixedVersions: ['1.20.0-1ubuntu0.1'] },
    ]);
    expect(findings[0]?.evidence.map((e) => e.advisory)).toEqual(['UBUNTU-CVE-2021-3782', 'USN-5614-1']);
    expect(findings[0]?.severitySource).toBe('osv-ubuntu: medium');
  });
});

describe('aliases, kinds and enrichment', () => {
  it('a GHSA and a PYSEC naming the same CVE are one finding with evidence from both feeds', () => {
    const findings = match([pypi('protobuf', '3.14.0')]);
    const f = findings.find((x) => x.id === 'CVE-2021-22570');
    expect(f).toMatchObject({ aliases: ['GHSA-77rm-9x9h-xj3g', 'PYSEC-2022-48'], state: 'fixed', fixedVersions: ['3.15.0'] });
    expect(f?.evidence.map((e) => `${e.feed} ${e.advisory} ${e.matched}`)).toEqual(['osv-ghsa GHSA-77rm-9x9h-xj3g versions[] lists 3.14.0', 'osv-pypi PYSEC-2022-48 versions[] lists 3.14.0']);
    expect(findings.filter((x) => x.aliases.includes('PYSEC-2022-48') || x.aliases.includes('GHSA-77rm-9x9h-xj3g'))).toHaveLength(1);
  });

  it('a malicious npm package is critical', () => {
    const [f] = match([npm('flatmap-stream', '0.1.1')]);
    expect(f).toMatchObject({ kind: 'malicious', severity: 'critical', severitySource: 'malicious package', state: 'unfixed' });
  });

  it('RustSec informational advisories only with includeNotices', () => {
    const crate = pkg({ ecosystem: 'cargo', name: 'libusb', version: '0.3.0', path: 'app/Cargo.lock' });
    expect(match([crate])).toEqual([]);
    expect(match([crate], undefined, true).map((f) => [f.id, f.kind])).toEqual([['RUSTSEC-2016-0004', 'unmaintained']]);
  });

  it('Go stdlib from the toolchain version', () => {
    const stdlib = pkg({ ecosystem: 'golang', name: 'stdlib', version: 'go1.21.3', path: 'usr/local/bin/app' });
    const findings = match([stdlib]);
    expect(findings.length).toBeGreaterThan(10);
    expect(findings.every((f) => f.evidence.every((e) => e.query.version === 'v1.21.3'))).toBe(true);
    const fixed = findings.filter((f) => f.state === 'fixed');
    expect(fixed.length).toBe(findings.length);
    expect(fixed.every((f) => f.fixedVersions.every((v) => v.startsWith('v')))).toBe(true);
  });

  it('an unreadable version is an unknown finding with the reason, never dropped', () => {
    const findings = match([npm('lodash', 'not-a-version')]);
    expect(findings.map((f) => [f.id, f.state, f.evidence[0]?.unknownReason])).toEqual([
      ['CVE-2020-8203', 'unknown', 'version "not-a-version" is not a valid semver version'],
      ['CVE-2021-23337', 'unknown', 'version "not-a-version" is not a valid semver version'],
    ]);
  });

  it('EPSS is looked up by any CVE id of the group', () => {
    const withEpss = new MemoryAdvisoryStore({ advisories: ghsa, epss: [{ cve: 'CVE-2020-8203', score: 0.5, percentile: 0.9, date: '2024-10-25' }] });
    const findings = matchInventory(inventory([npm('lodash', '4.17.15')]), withEpss, { now: new Date(0) });
    expect(findings.map((f) => [f.id, f.epss?.score])).toEqual([
      ['CVE-2020-8203', 0.5],
      ['CVE-2021-23337', undefined],
    ]);
  });
});

describe('matchInventoryReport', () => {
  it('says once why a whole kind of package was not matched (rpm has no feed yet)', () => {
    const rhel = { id: 'rhel', versionId: '9.4', source: 'etc/os-release' };
    const rpms = ['bash', 'glibc', 'openssl', 'zlib'].map((name) => pkg({ ecosystem: 'rpm', name, version: '1.0-1.el9', metadata: { kind: 'rpm', release: '1.el9' } }, rhel));
    const report = matchInventoryReport(inventory([...rpms, npm('lodash', '4.17.15')], rhel), store, { now: new Date(0) });
    expect(report.findings).toHaveLength(2);
    expect(report.unmatched).toEqual([
      { reason: 'rpm packages are not matched: grout has no rpm advisory feed yet (distro rhel)', packages: 4, examples: ['rpm:bash@1.0-1.el9', 'rpm:glibc@1.0-1.el9', 'rpm:openssl@1.0-1.el9'] },
    ]);
  });

  it('records the distro not-affected triage it applied', () => {
    const report = matchInventoryReport(inventory([pkg({ ecosystem: 'apk', name: 'libssl3', version: '3.3.1-r0', metadata: { kind: 'apk', origin: 'openssl' } }, ALPINE_320)], ALPINE_320), store, {});
    expect(report.notAffected.map((n) => n.advisory)).toEqual(['CVE-2022-1292', 'CVE-2022-2068', 'CVE-2022-2274', 'CVE-2023-0466', 'CVE-2023-4807']);
  });
});
