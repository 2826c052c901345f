import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { viewOfDirectory, viewOfFiles } from '../../../../../test/memory-view.js';
import type { FileView } from '../../../extractor.js';
import { dpkgExtractor } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

async function extract(view: FileView): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await dpkgExtractor.extract({ view, distro: undefined, issue: (p, r) => issues.push(`${p}: ${r}`) });
  return { packages, issues };
}

describe('dpkgExtractor.wants', () => {
  it.each([
    ['var/lib/dpkg/status', true],
    ['var/lib/dpkg/status-old', false],
    ['var/lib/dpkg/available', false],
    ['var/lib/dpkg/status.d/libssl3', true],
    ['var/lib/dpkg/status.d/libssl3.md5sums', true],
    ['var/lib/dpkg/status.d/libssl3.preinst', false],
    ['var/lib/dpkg/status.d/libpython3.11-minimal', true],
    ['var/lib/dpkg/status.d/sub/x', false],
    ['var/lib/dpkg/status.d/', false],
    ['var/lib/dpkg/info/bash.list', true],
    ['var/lib/dpkg/info/libc6:amd64.list', true],
    ['var/lib/dpkg/info/bash.md5sums', true],
    ['var/lib/dpkg/info/bash.conffiles', false],
    ['var/lib/dpkg/info/bash.postinst', false],
    ['usr/share/doc/bash/copyright', true],
    ['usr/share/doc/bash/changelog.gz', false],
    ['usr/share/doc/copyright', false],
    ['usr/share/doc/a/b/copyright', false],
    ['usr/lib/opkg/status', false],
    ['etc/os-release', false],
  ])('%s → %s', (path, wanted) => {
    expect(dpkgExtractor.wants(path)).toBe(wanted);
  });
});

describe('multi-arch status with info lists', () => {
  let packages: ExtractedPackage[] = [];
  let issues: string[] = [];
  let byKey = new Map<string, ExtractedPackage>();
  beforeAll(async () => {
    ({ packages, issues } = await extract(viewOfDirectory(testdata('multiarch'), dpkgExtractor.wants)));
    byKey = new Map(packages.map((p) => [`${p.name}:${p.arch ?? ''}`, p]));
  });

  it('keeps configured packages only and sorts them by name, arch, version', () => {
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}:${p.arch}`)).toEqual(['hello:amd64', 'libc6:amd64', 'libc6:i386']);
  });

  it('reads each architecture instance from its own <pkg>:<arch>.list', () => {
    expect(byKey.get('libc6:amd64')?.ownedFiles).toEqual([
      { path: 'etc' },
      { path: 'etc/ld.so.conf.d' },
      {
        path: 'etc/ld.so.conf.d/x86_64-linux-gnu.conf',
        digest: { algorithm: 'md5', value: 'd4e7a7b88a71b5ffd9e2644e71a0cfab' },
        config: true,
      },
      { path: 'lib/x86_64-linux-gnu' },
      { path: 'lib/x86_64-linux-gnu/libc.so.6', digest: { algorithm: 'md5', value: '0f5bc6c4d8b42b1a4ad52e8b5b3d9a77' } },
    ]);
    expect(byKey.get('libc6:i386')?.ownedFiles?.map((f) => f.path)).toEqual(['lib/i386-linux-gnu', 'lib/i386-linux-gnu/libc.so.6']);
    expect(byKey.get('libc6:i386')?.source).toEqual({ name: 'glibc', version: '2.36-9+deb12u10' });
  });

  it('maps every field of a full stanza', () => {
    const hello = byKey.get('hello:amd64');
    expect(hello).toMatchObject({
      ecosystem: 'deb',
      name: 'hello',
      version: '1:2.10-3+b1',
      arch: 'amd64',
      source: { name: 'hello-src', version: '2.10-3' },
      licenses: [],
      evidence: 'var/lib/dpkg/status',
      dependsOn: ['dpkg', 'libc6', 'perl', 'foo', 'bar', 'baz'],
      metadata: {
        kind: 'dpkg',
        maintainer: 'Santiago Vila <sanvila@debian.org>',
        preDepends: ['dpkg (>= 1.15)'],
        depends: ['libc6 (>= 2.34)', 'perl:any', 'foo [amd64] <!nocheck> | bar (>> 1)', 'baz'],
        status: 'install ok triggers-pending',
      },
    });
  });

  it('marks conffiles, keeps paths with spaces, leaves out conffiles no longer shipped', () => {
    expect(byKey.get('hello:amd64')?.ownedFiles).toEqual([
      { path: 'etc/hello.conf', digest: { algorithm: 'md5', value: '0123456789abcdef0123456789abcdef' }, config: true },
      { path: 'etc/hello/new.conf', config: true },
      { path: 'usr' },
      { path: 'usr/bin' },
      { path: 'usr/bin/hello', digest: { algorithm: 'md5', value: 'a3f1c2d4e5f60718293a4b5c6d7e8f90' } },
      {
        path: 'usr/share/doc/hello/file with spaces.txt',
        digest: { algorithm: 'md5', value: '00112233445566778899aabbccddeeff' },
      },
    ]);
  });
});

describe('distroless status.d', () => {
  let packages: ExtractedPackage[] = [];
  let issues: string[] = [];
  beforeAll(async () => {
    ({ packages, issues } = await extract(viewOfDirectory(testdata('status.d-distroless'), dpkgExtractor.wants)));
  });

  it('reads one package per file, without Status, ignoring maintainer scripts', () => {
    expect(issues).toEqual([]);
    expect(packages.map((p) => [p.name, p.version, p.evidence])).toEqual([
      ['base-files', '12.4+deb12u5', 'var/lib/dpkg/status.d/base-files'],
      ['libssl3', '3.0.15-1~deb12u1', 'var/lib/dpkg/status.d/libssl3'],
    ]);
  });

  it('takes owned files from <file>.md5sums and licences from the copyright file', () => {
    const [baseFiles, libssl] = packages;
    expect(baseFiles?.ownedFiles?.map((f) => f.path)).toEqual(['usr/lib/os-release', 'usr/share/base-files/dot.bashrc']);
    expect(baseFiles?.source).toEqual({ name: 'base-files', version: '12.4+deb12u5' });
    expect(baseFiles?.metadata).toEqual({ kind: 'dpkg', maintainer: 'Santiago Vila <sanvila@debian.org>', installedSize: 341 });
    expect(libssl?.ownedFiles).toEqual([
      { path: 'usr/lib/x86_64-linux-gnu/libssl.so.3', digest: { algorithm: 'md5', value: 'c4a5b0e1d2f3a4b5c6d7e8f9a0b1c2d3' } },
    ]);
    expect(libssl?.licenses).toEqual(['Apache-2.0']);
  });

  it('reports a digest list that has no status entry', async () => {
    const result = await extract(viewOfFiles({ 'var/lib/dpkg/status.d/ghost.md5sums': '07d31e7e63800ab1b7966980709c51eb  etc/x\n' }));
    expect(result.packages).toEqual([]);
    expect(result.issues).toEqual(['var/lib/dpkg/status.d/ghost.md5sums: digest list without a status.d entry of the same name; not a status file']);
  });
});

describe('status file quirks', () => {
  it('accepts CRLF line ends and blank lines anywhere', async () => {
    const text = '\r\n\r\nPackage: a\r\nStatus: install ok installed\r\nVersion: 1\r\nDescription: x\r\n y\r\n\r\n\r\n\r\nPackage: b\r\nStatus: install ok installed\r\nVersion: 2\r\n\r\n';
    const { packages, issues } = await extract(viewOfFiles({ 'var/lib/dpkg/status': text }));
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}=${p.version}`)).toEqual(['a=1', 'b=2']);
  });

  it('counts "deinstall reinstreq installed" as installed (files still on disk) and skips half-installed', async () => {
    const text = 'Package: a\nStatus: deinstall reinstreq installed\nVersion: 1\n\nPackage: b\nStatus: install reinstreq half-installed\nVersion: 1\n';
    const { packages } = await extract(viewOfFiles({ 'var/lib/dpkg/status': text }));
    expect(packages.map((p) => p.name)).toEqual(['a']);
  });

  it('reports a malformed Status and a stanza without Status in the main file', async () => {
    const text = 'Package: a\nStatus: installed\nVersion: 1\n\nPackage: b\nVersion: 1\n';
    const { packages, issues } = await extract(viewOfFiles({ 'var/lib/dpkg/status': text }));
    expect(packages).toEqual([]);
    expect(issues).toEqual([
      'var/lib/dpkg/status: line 1: package a has a malformed Status; skipped',
      'var/lib/dpkg/status: line 5: package b has no Status; skipped',
    ]);
  });

  it('returns nothing, without issues, when the view has no dpkg files', async () => {
    expect(await extract(viewOfFiles({}))).toEqual({ packages: [], issues: [] });
  });
});
