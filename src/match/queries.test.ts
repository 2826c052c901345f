import { describe, expect, it } from 'vitest';
import type { Distro } from '../core/model.js';
import { packageQueries } from './queries.js';
import { ALPINE_320, DEBIAN_12, UBUNTU_2204, pkg } from './testdata/packages.js';

const os = (id: string, versionId?: string, extra: Partial<Distro> = {}): Distro => ({ id, ...(versionId ? { versionId } : {}), source: 'etc/os-release', ...extra });

describe('packageQueries: OS packages by source package within the exact release', () => {
  it('dpkg on Debian: Debian:<major>, the source name and source version', () => {
    const libssl = pkg({ ecosystem: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u2', source: { name: 'openssl' } }, DEBIAN_12);
    expect(packageQueries(libssl, DEBIAN_12)).toEqual({ queries: [{ ecosystem: 'Debian:12', name: 'openssl', version: '3.0.11-1~deb12u2', scheme: 'deb' }] });
    const bash = pkg({ ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b7', source: { name: 'bash', version: '5.2.15-2' } }, DEBIAN_12);
    expect(packageQueries(bash, DEBIAN_12).queries[0]).toMatchObject({ name: 'bash', version: '5.2.15-2' });
  });

  it('dpkg binNMU without a recorded source version: the +bN suffix is dropped', () => {
    const p = pkg({ ecosystem: 'deb', name: 'libfoo1', version: '1.2-3+b2', source: { name: 'foo', version: '1.2-3+b2' } });
    expect(packageQueries(p, DEBIAN_12).queries[0]).toMatchObject({ name: 'foo', version: '1.2-3' });
    const bare = pkg({ ecosystem: 'deb', name: 'zlib1g', version: '1:1.2.13.dfsg-1+b1' });
    expect(packageQueries(bare, DEBIAN_12).queries[0]).toMatchObject({ name: 'zlib1g', version: '1:1.2.13.dfsg-1' });
  });

  it('Debian without VERSION_ID goes by codename; sid has no release', () => {
    const p = pkg({ ecosystem: 'deb', name: 'bash', version: '5.2.37-1' });
    expect(packageQueries(p, os('debian', undefined, { codename: 'trixie' })).queries[0]?.ecosystem).toBe('Debian:13');
    const sid = packageQueries(p, os('debian', undefined, { codename: 'sid' }));
    expect(sid.queries).toEqual([]);
    expect(sid.reason).toMatch(/sid/);
    expect(packageQueries(p, os('debian', undefined, { codename: 'nonesuch' })).reason).toMatch(/release unknown/);
    expect(packageQueries(p, undefined).reason).toMatch(/distro release is unknown/);
  });

  it('Ubuntu: LTS releases as Ubuntu:22.04:LTS, interim ones as Ubuntu:23.10; Pro only when asked', () => {
    const p = pkg({ ecosystem: 'deb', name: 'libc6', version: '2.35-0ubuntu3.6', source: { name: 'glibc' } });
    expect(packageQueries(p, UBUNTU_2204).queries.map((q) => q.ecosystem)).toEqual(['Ubuntu:22.04:LTS']);
    expect(packageQueries(p, os('ubuntu', '23.10')).queries.map((q) => q.ecosystem)).toEqual(['Ubuntu:23.10']);
    expect(packageQueries(p, os('ubuntu', '21.04')).queries.map((q) => q.ecosystem)).toEqual(['Ubuntu:21.04']);
    expect(packageQueries(p, UBUNTU_2204, { ubuntuPro: true }).queries.map((q) => q.ecosystem)).toEqual(['Ubuntu:22.04:LTS', 'Ubuntu:Pro:22.04:LTS']);
    expect(packageQueries(p, UBUNTU_2204).queries[0]?.name).toBe('glibc');
  });

  it('apk on Alpine: Alpine:v<major.minor>, by origin; edge has none', () => {
    const libssl = pkg({ ecosystem: 'apk', name: 'libssl3', version: '3.3.2-r0', metadata: { kind: 'apk', origin: 'openssl' } });
    expect(packageQueries(libssl, ALPINE_320)).toEqual({ queries: [{ ecosystem: 'Alpine:v3.20', name: 'openssl', version: '3.3.2-r0', scheme: 'apk' }] });
    const edge = packageQueries(libssl, os('alpine', '3.21.0_alpha20240807', { prettyName: 'Alpine Linux edge' }));
    expect(edge).toEqual({ queries: [], reason: 'apk packages are not matched: Alpine edge has no release-scoped advisories' });
  });

  it('rpm has no feed yet; foreign distros are not guessed at', () => {
    const rpm = pkg({ ecosystem: 'rpm', name: 'bash', version: '5.1.8-6.el9', metadata: { kind: 'rpm', release: '6.el9' } });
    expect(packageQueries(rpm, os('rhel', '9.4')).reason).toMatch(/no rpm advisory feed/);
    const deb = pkg({ ecosystem: 'deb', name: 'bash', version: '5.2-1' });
    expect(packageQueries(deb, os('kali', '2024.1')).reason).toMatch(/no advisory feed for that distro/);
    const apk = pkg({ ecosystem: 'apk', name: 'busybox', version: '1.36.1-r0' });
    expect(packageQueries(apk, os('wolfi', '20230201')).reason).toMatch(/on wolfi/);
  });
});

describe('packageQueries: language packages by OSV ecosystem', () => {
  it.each([
    ['npm', 'lodash', '4.17.15', 'npm', 'lodash', '4.17.15', 'semver'],
    ['pypi', 'Flask', '2.0.1', 'PyPI', 'Flask', '2.0.1', 'pep440'],
    ['golang', 'golang.org/x/net', 'v0.7.0', 'Go', 'golang.org/x/net', 'v0.7.0', 'go'],
    ['golang', 'stdlib', 'go1.21.3', 'Go', 'stdlib', 'v1.21.3', 'go'],
    ['golang', 'stdlib', 'v1.22.0', 'Go', 'stdlib', 'v1.22.0', 'go'],
    ['cargo', 'smallvec', '1.6.0', 'crates.io', 'smallvec', '1.6.0', 'semver'],
    ['maven', 'org.apache.logging.log4j:log4j-core', '2.14.1', 'Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1', 'maven'],
    ['gem', 'rack', '2.2.3', 'RubyGems', 'rack', '2.2.3', 'gem'],
    ['composer', 'symfony/http-kernel', '5.4.0', 'Packagist', 'symfony/http-kernel', '5.4.0', 'composer'],
    ['nuget', 'Newtonsoft.Json', '12.0.1', 'NuGet', 'Newtonsoft.Json', '12.0.1', 'nuget'],
  ] as const)('%s %s@%s → %s', (ecosystem, name, version, osv, qname, qversion, scheme) => {
    expect(packageQueries(pkg({ ecosystem, name, version }), undefined)).toEqual({ queries: [{ ecosystem: osv, name: qname, version: qversion, scheme }] });
  });

  it('Maven coordinates come from the metadata; the Go main module (devel) is not looked up', () => {
    const jar = pkg({ ecosystem: 'maven', name: 'log4j-core', version: '2.14.1', metadata: { kind: 'language', origin: 'installed', groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core' } });
    expect(packageQueries(jar, undefined).queries[0]?.name).toBe('org.apache.logging.log4j:log4j-core');
    const main = pkg({ ecosystem: 'golang', name: 'example.com/app', version: '(devel)', metadata: { kind: 'language', origin: 'installed', mainModule: true } });
    expect(packageQueries(main, undefined)).toEqual({ queries: [], reason: 'Go main module example.com/app has no release version ((devel))' });
  });
});
