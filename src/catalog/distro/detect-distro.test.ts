import { describe, expect, it } from 'vitest';
import { viewOfFiles } from '../../../test/memory-view.js';
import { maxBusyBoxScanBytes } from './busybox.js';
import { detectDistro, distroWants } from './index.js';

const detect = (files: Record<string, string | Buffer>) => detectDistro(viewOfFiles(files));

describe('detectDistro precedence', () => {
  it('prefers etc/os-release over usr/lib/os-release and every fallback', () => {
    expect(
      detect({
        'etc/os-release': 'ID=debian\nVERSION_ID=12\n',
        'usr/lib/os-release': 'ID=ubuntu\nVERSION_ID=22.04\n',
        'etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\n',
      }),
    ).toMatchObject({ id: 'debian', versionId: '12', source: 'etc/os-release' });
  });

  it('falls back to usr/lib/os-release when etc/os-release is empty', () => {
    expect(detect({ 'etc/os-release': '', 'usr/lib/os-release': 'ID=fedora\nVERSION_ID=40\n' })).toMatchObject({
      id: 'fedora',
      source: 'usr/lib/os-release',
    });
  });

  it('lower-cases ID and splits ID_LIKE', () => {
    expect(detect({ 'etc/os-release': 'ID=Ubuntu\nID_LIKE="debian  foo"\n' })).toEqual({
      id: 'ubuntu',
      idLike: ['debian', 'foo'],
      source: 'etc/os-release',
    });
  });

  it('prefers a distro-specific file over an os-release without ID, and keeps that os-release as the last resort', () => {
    const noId = 'NAME="Something"\nVERSION_ID=8\nID_LIKE=debian\n';
    expect(detect({ 'etc/os-release': noId, 'etc/debian_version': '8.11\n' })).toMatchObject({ id: 'debian', versionId: '8.11' });
    expect(detect({ 'etc/os-release': noId, 'bin/busybox': 'BusyBox v1.36.1 ' })).toMatchObject({ id: 'linux', idLike: ['debian'] });
  });

  it('reads Ubuntu lsb-release before the debian_version Ubuntu also carries', () => {
    expect(
      detect({
        'etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\nDISTRIB_CODENAME=bionic\nDISTRIB_DESCRIPTION="Ubuntu 18.04.2 LTS"\n',
        'etc/debian_version': 'buster/sid\n',
      }),
    ).toEqual({ id: 'ubuntu', versionId: '18.04', codename: 'bionic', name: 'Ubuntu', prettyName: 'Ubuntu 18.04.2 LTS', source: 'etc/lsb-release' });
  });

  it('prefers redhat-release (minor version) over system-release-cpe on CentOS 6', () => {
    expect(
      detect({ 'etc/redhat-release': 'CentOS release 6.10 (Final)\n', 'etc/system-release-cpe': 'cpe:/o:centos:linux:6:GA\n' }),
    ).toMatchObject({ id: 'centos', versionId: '6.10', version: '6.10', idLike: ['centos', 'rhel'] });
  });

  it('checks BusyBox last: a distro that ships it is still that distro', () => {
    expect(detect({ 'etc/alpine-release': '3.19.1\n', 'bin/busybox': 'BusyBox v1.36.1 (2023)' })).toMatchObject({ id: 'alpine' });
  });
});

describe('Debian point release', () => {
  it('refines os-release VERSION_ID with debian_version of the same major', () => {
    expect(detect({ 'etc/os-release': 'ID=debian\nVERSION_ID="12"\nVERSION="12 (bookworm)"\n', 'etc/debian_version': '12.5\n' })).toMatchObject({
      versionId: '12.5',
      version: '12 (bookworm)',
    });
  });

  it('ignores a debian_version of another release, a codename, or another distro', () => {
    const os = 'ID=debian\nVERSION_ID="12"\n';
    expect(detect({ 'etc/os-release': os, 'etc/debian_version': '11.9\n' })?.versionId).toBe('12');
    expect(detect({ 'etc/os-release': os, 'etc/debian_version': 'trixie/sid\n' })?.versionId).toBe('12');
    expect(detect({ 'etc/os-release': 'ID=ubuntu\nVERSION_ID=24.04\n', 'etc/debian_version': '12.5\n' })?.versionId).toBe('24.04');
  });

  it('reads debian_version alone: numeric as version id, a codename as version only', () => {
    expect(detect({ 'etc/debian_version': '9.8\n' })).toEqual({ id: 'debian', name: 'Debian GNU/Linux', versionId: '9.8', version: '9.8', source: 'etc/debian_version' });
    expect(detect({ 'etc/debian_version': 'bookworm/sid\n' })).toEqual({ id: 'debian', name: 'Debian GNU/Linux', version: 'bookworm/sid', source: 'etc/debian_version' });
  });
});

describe('release files', () => {
  it.each([
    ['etc/redhat-release', 'Red Hat Enterprise Linux release 10.0 (Coughlan)', { id: 'rhel', versionId: '10.0', version: '10.0 (Coughlan)', idLike: ['rhel'] }],
    ['etc/oracle-release', 'Oracle Linux Server release 7.6', { id: 'ol', versionId: '7.6', version: '7.6', idLike: ['ol', 'rhel'] }],
    ['etc/fedora-release', 'Fedora release 29 (Twenty Nine)', { id: 'fedora', versionId: '29', idLike: ['fedora'] }],
    ['etc/centos-release', 'CentOS Stream release 9', { id: 'centos', versionId: '9', name: 'CentOS Stream' }],
    ['etc/system-release', 'Amazon Linux release 2023.3.20240304 (Amazon Linux)', { id: 'amzn', versionId: '2023.3.20240304' }],
    ['etc/system-release', 'Amazon Linux AMI release 2018.03', { id: 'amzn', versionId: '2018.03', name: 'Amazon Linux AMI' }],
    ['etc/system-release-cpe', 'cpe:2.3:o:amazon:amazon_linux:2', { id: 'amzn', versionId: '2', name: 'amazon', cpeName: 'cpe:2.3:o:amazon:amazon_linux:2' }],
    ['etc/system-release-cpe', 'cpe:/o:redhat:enterprise_linux:7.9:ga:server', { id: 'rhel', versionId: '7.9' }],
    ['etc/SuSE-release', 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n', { id: 'sles', versionId: '11.4', name: 'SUSE Linux Enterprise Server 11' }],
    ['etc/SuSE-release', 'SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n', { id: 'sles', versionId: '12' }],
    ['etc/SuSE-release', 'openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n', { id: 'opensuse', versionId: '42.3', codename: 'Malachite' }],
    ['etc/photon-release', 'VMware Photon OS 4.0\nPHOTON_BUILD_NUMBER=1526e30ba\n', { id: 'photon', versionId: '4.0', name: 'VMware Photon OS' }],
    ['etc/alpine-release', '3.20.0_alpha20240329\n', { id: 'alpine', versionId: '3.20.0_alpha20240329' }],
  ])('%s: %j', (path, content, expected) => {
    expect(distroWants(path)).toBe(true);
    expect(detect({ [path]: content })).toMatchObject({ ...expected, source: path });
  });

  it.each([
    ['etc/redhat-release', 'not a release line'],
    ['etc/system-release-cpe', 'cpe:/o:centos:linux:*:GA'],
    ['etc/SuSE-release', 'Something else\nVERSION = 1\n'],
    ['etc/SuSE-release', 'SUSE Linux Enterprise Server 11 (x86_64)\n'],
    ['etc/photon-release', 'VMware Photon OS\n'],
    ['etc/alpine-release', 'edge; rm -rf /\n'],
    ['etc/lsb-release', 'DISTRIB_ID="has spaces"\n'],
    ['etc/debian_version', '\n\n'],
  ])('%s: %j identifies nothing', (path, content) => {
    expect(detect({ [path]: content })).toBeUndefined();
  });
});

describe('BusyBox banner', () => {
  it('finds the banner among binary bytes, skipping a marker without a version', () => {
    const bytes = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from('BusyBox v.\0BusyBox v1.36.1 (2023-07-27)\0')]);
    expect(detect({ 'bin/busybox': bytes })).toEqual({
      id: 'busybox',
      versionId: '1.36.1',
      version: '1.36.1',
      name: 'busybox',
      prettyName: 'BusyBox v1.36.1',
      idLike: ['busybox'],
      source: 'bin/busybox',
    });
  });

  it('scans only the first bytes of the binary', () => {
    const bytes = Buffer.concat([Buffer.alloc(maxBusyBoxScanBytes), Buffer.from('BusyBox v1.0')]);
    expect(detect({ 'bin/busybox': bytes })).toBeUndefined();
  });
});

describe('hostile input', () => {
  it('never throws on garbage in any wanted file', () => {
    let state = 7;
    const junk = Buffer.alloc(256 * 1024);
    for (let i = 0; i < junk.length; i++) {
      state = (state * 1_103_515_245 + 12_345) >>> 0;
      junk[i] = state >>> 24;
    }
    const paths = ['etc/os-release', 'usr/lib/os-release', 'etc/redhat-release', 'etc/system-release-cpe', 'etc/SuSE-release', 'etc/lsb-release', 'etc/debian_version', 'etc/alpine-release', 'etc/photon-release', 'bin/busybox'];
    for (const path of paths) expect(() => detect({ [path]: junk })).not.toThrow();
    expect(detect(Object.fromEntries(paths.map((p) => [p, junk])))).toBeUndefined();
  });

  it('reads only the start of an oversized release file, fast', () => {
    const huge = `ID=alpine\nVERSION_ID=3.19.1\n${'x'.repeat(10 * 1024 * 1024)}`;
    const started = Date.now();
    expect(detect({ 'etc/os-release': huge })).toMatchObject({ id: 'alpine', versionId: '3.19.1' });
    const line = `${'a '.repeat(5 * 1024 * 1024)} release 7.1`;
    expect(detect({ 'etc/redhat-release': line })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses an ID outside the spec alphabet', () => {
    expect(detect({ 'etc/os-release': 'ID="../../etc"\nNAME=x\n' })).toMatchObject({ id: 'linux' });
  });
});
