import { createHash } from 'node:crypto';
import type { Inventory, LayerRef, Package } from '../../core/model.js';

/**
 * Inventories built by hand for the encoder golden files. Each is written to `<case>/inventory.json` beside its
 * expected CycloneDX and SPDX output, so the three files can be read together.
 */

/** A realistic-looking sha256 digest, fixed for a label. */
function digest(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

function layer(index: number, createdBy?: string): LayerRef {
  const out: LayerRef = { index, diffId: digest(`diff-${index}`), digest: digest(`blob-${index}`), size: 1000 + index };
  if (createdBy !== undefined) out.createdBy = createdBy;
  return out;
}

type PackageSpec = Omit<Package, 'files' | 'locations'> & Partial<Pick<Package, 'files' | 'locations'>>;

function pkg(spec: PackageSpec, evidence: string, layerIndex = 0): Package {
  return { files: [], locations: [{ path: evidence, layer: layerIndex }], ...spec };
}

const DPKG = 'var/lib/dpkg/status';

/** Debian 12: dpkg packages with source packages and epochs, depends-on edges, a second layer. */
export const debianInventory: Inventory = {
  image: {
    reference: 'registry.example/library/debian:12',
    transport: 'registry',
    tags: ['registry.example/library/debian:12'],
    manifestDigest: digest('debian-manifest'),
    configDigest: digest('debian-config'),
    os: 'linux',
    architecture: 'amd64',
    created: '2024-06-10T21:42:07.123456789Z',
    layers: [layer(0, '# debian.sh --arch amd64 out/ bookworm @1717977600'), layer(1, 'RUN /bin/sh -c apt-get install -y curl')],
    labels: { 'org.opencontainers.image.source': 'https://git.example/debian' },
  },
  distro: {
    id: 'debian',
    versionId: '12',
    version: '12 (bookworm)',
    codename: 'bookworm',
    name: 'Debian GNU/Linux',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
    source: 'etc/os-release',
  },
  packages: [
    pkg(
      {
        id: 'deb-1a2b3c4d5e6f7081',
        ecosystem: 'deb',
        name: 'bash',
        version: '5.2.15-2+b7',
        arch: 'amd64',
        purl: 'pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2',
        source: { name: 'bash', version: '5.2.15-2' },
        licenses: ['GPL-3.0-or-later'],
        foundBy: 'os/dpkg@1',
        metadata: { kind: 'dpkg', maintainer: 'Matthias Klose <doko@debian.org>', installedSize: 7164, status: 'install ok installed' },
      },
      DPKG,
    ),
    pkg(
      {
        id: 'deb-2b3c4d5e6f708192',
        ecosystem: 'deb',
        name: 'libc6',
        version: '2.36-9+deb12u7',
        arch: 'amd64',
        purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc',
        source: { name: 'glibc' },
        licenses: ['GPL-2.0-only', 'LGPL-2.1-or-later'],
        foundBy: 'os/dpkg@1',
        metadata: { kind: 'dpkg', maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>' },
      },
      DPKG,
    ),
    pkg(
      {
        id: 'deb-3c4d5e6f708192a3',
        ecosystem: 'deb',
        name: 'login',
        version: '1:4.13+dfsg1-1+b1',
        arch: 'amd64',
        purl: 'pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12&upstream=shadow%401:4.13%2Bdfsg1-1',
        source: { name: 'shadow', version: '1:4.13+dfsg1-1' },
        licenses: ['GPL-2.0-only', 'bsd-3-clause'],
        foundBy: 'os/dpkg@1',
        metadata: { kind: 'dpkg', maintainer: 'Shadow package maintainers <pkg-shadow-devel@lists.alioth.debian.org>' },
      },
      DPKG,
    ),
    pkg(
      {
        id: 'deb-4d5e6f708192a3b4',
        ecosystem: 'deb',
        name: 'zlib1g',
        version: '1:1.2.13.dfsg-1',
        arch: 'amd64',
        purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib',
        source: { name: 'zlib' },
        licenses: ['Zlib'],
        foundBy: 'os/dpkg@1',
        metadata: { kind: 'dpkg', maintainer: 'Mark Brown <broonie@debian.org>' },
      },
      DPKG,
    ),
    pkg(
      {
        id: 'deb-5e6f708192a3b4c5',
        ecosystem: 'deb',
        name: 'base-files',
        version: '12.4+deb12u6',
        arch: 'amd64',
        purl: 'pkg:deb/debian/base-files@12.4%2Bdeb12u6?arch=amd64&distro=debian-12',
        licenses: ['GPL'],
        foundBy: 'os/dpkg@1',
        metadata: { kind: 'dpkg', maintainer: 'Santiago Vila <sanvila@debian.org>' },
      },
      DPKG,
    ),
    pkg(
      {
        id: 'deb-6f708192a3b4c5d6',
        ecosystem: 'deb',
        name: 'curl',
        version: '7.88.1-10+deb12u6',
        arch: 'amd64',
        purl: 'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u6?arch=amd64&distro=debian-12',
        licenses: ['curl', 'BSD-4-Clause-UC', 'ISC'],
        foundBy: 'os/dpkg@1',
        metadata: { kind: 'dpkg', maintainer: 'Alessandro Ghedini <ghedo@debian.org>' },
      },
      DPKG,
      1,
    ),
  ],
  files: [],
  relationships: [
    { from: 'deb-1a2b3c4d5e6f7081', to: 'deb-2b3c4d5e6f708192', type: 'depends-on' },
    { from: 'deb-6f708192a3b4c5d6', to: 'deb-4d5e6f708192a3b4', type: 'depends-on' },
    { from: 'deb-6f708192a3b4c5d6', to: 'deb-2b3c4d5e6f708192', type: 'depends-on' },
    { from: 'deb-3c4d5e6f708192a3', to: 'deb-2b3c4d5e6f708192', type: 'depends-on' },
    // Not a dependency: ignored by the encoders.
    { from: 'deb-2b3c4d5e6f708192', to: 'deb-1a2b3c4d5e6f7081', type: 'owns' },
  ],
  issues: [],
  extractors: ['os/dpkg@1'],
};

const APK = 'lib/apk/db/installed';

function apk(id: string, name: string, version: string, origin: string, license: string, extra: Partial<Package> = {}): Package {
  const upstream = origin === name ? '' : `&upstream=${origin}`;
  return pkg(
    {
      id,
      ecosystem: 'apk',
      name,
      version,
      arch: 'x86_64',
      purl: `pkg:apk/alpine/${name}@${version}?arch=x86_64&distro=alpine-3.19.1${upstream}`,
      source: { name: origin },
      licenses: [license],
      foundBy: 'os/apk@1',
      metadata: { kind: 'apk', origin, maintainer: 'Natanael Copa <ncopa@alpinelinux.org>', commit: `c0ffee${id.slice(-4)}` },
      ...extra,
    },
    APK,
  );
}

/** Alpine 3.19: apk packages whose licences are SPDX expressions (and one that only looks like one). */
export const alpineInventory: Inventory = {
  image: {
    reference: 'oci-archive:alpine.tar',
    transport: 'oci-archive',
    tags: ['alpine:3.19'],
    manifestDigest: digest('alpine-manifest'),
    configDigest: digest('alpine-config'),
    os: 'linux',
    architecture: 'amd64',
    created: '2024-01-27T00:51:38+01:00',
    layers: [layer(0, '/bin/sh -c #(nop) ADD file:37a76ec18f9887751cd8473744917d08b7431fc4085097bb6a09d81b41775473 in / ')],
    labels: {},
  },
  distro: {
    id: 'alpine',
    versionId: '3.19.1',
    name: 'Alpine Linux',
    prettyName: 'Alpine Linux v3.19',
    source: 'etc/os-release',
  },
  packages: [
    apk('apk-0000000000000001', 'musl', '1.2.4_git20230717-r4', 'musl', 'MIT'),
    apk('apk-0000000000000002', 'busybox', '1.36.1-r15', 'busybox', 'GPL-2.0-only'),
    apk('apk-0000000000000003', 'ssl_client', '1.36.1-r15', 'busybox', 'GPL-2.0-only'),
    apk('apk-0000000000000004', 'ca-certificates-bundle', '20230506-r0', 'ca-certificates', 'MPL-2.0 AND MIT'),
    apk('apk-0000000000000005', 'libcrypto3', '3.1.4-r5', 'openssl', 'Apache-2.0'),
    apk('apk-0000000000000006', 'libc-utils', '0.7.2-r5', 'libc-dev', 'BSD-2-Clause AND BSD-3-Clause'),
    apk('apk-0000000000000007', 'scanelf', '1.3.7-r2', 'pax-utils', 'GPL-2.0-only'),
    apk('apk-0000000000000008', 'alpine-keys', '2.4-r1', 'alpine-keys', 'mit'),
    apk('apk-0000000000000009', 'xz-libs', '5.4.5-r0', 'xz', 'GPL-2.0-or-later AND 0BSD AND Public-Domain AND LGPL-2.1-or-later'),
    apk('apk-000000000000000a', 'libgcc', '13.2.1_git20231014-r0', 'gcc', 'GPL-2.0-or-later AND LGPL-2.1-or-later', {
      licenses: ['GPL-3.0-or-later WITH GCC-exception-3.1', 'GPL-2.0-or-later AND LGPL-2.1-or-later'],
    }),
    apk('apk-000000000000000b', 'zlib', '1.3.1-r0', 'zlib', 'Zlib OR (MIT AND Apache-2.0)'),
  ],
  files: [],
  relationships: [
    { from: 'apk-0000000000000002', to: 'apk-0000000000000001', type: 'depends-on' },
    { from: 'apk-0000000000000003', to: 'apk-0000000000000001', type: 'depends-on' },
    { from: 'apk-0000000000000003', to: 'apk-0000000000000005', type: 'depends-on' },
    { from: 'apk-0000000000000005', to: 'apk-0000000000000001', type: 'depends-on' },
    { from: 'apk-0000000000000007', to: 'apk-0000000000000001', type: 'depends-on' },
  ],
  issues: [],
  extractors: ['os/apk@1'],
};

const RPMDB = 'var/lib/rpm/rpmdb.sqlite';
const ROCKY = 'Rocky Enterprise Software Foundation';

function rpm(
  id: string,
  name: string,
  epoch: number | undefined,
  ver: string,
  release: string,
  license: string,
  extra: { vendor?: string; modularityLabel?: string } = {},
): Package {
  const version = `${epoch ? `${epoch}:` : ''}${ver}-${release}`;
  const sourceRpm = `${name}-${ver}-${release}.src.rpm`;
  const epochQ = epoch ? `&epoch=${epoch}` : '';
  const metadata: Package['metadata'] = { kind: 'rpm', release, sourceRpm, vendor: extra.vendor ?? ROCKY };
  if (epoch !== undefined) metadata.epoch = epoch;
  if (extra.modularityLabel) metadata.modularityLabel = extra.modularityLabel;
  return pkg(
    {
      id,
      ecosystem: 'rpm',
      name,
      version,
      arch: 'x86_64',
      purl: `pkg:rpm/rocky/${name}@${ver}-${release}?arch=x86_64&distro=rocky-9.3${epochQ}&upstream=${sourceRpm}`,
      source: { name, version: `${ver}-${release}` },
      licenses: [license],
      foundBy: 'os/rpm@1',
      metadata,
    },
    RPMDB,
  );
}

/** Rocky Linux 9: rpm packages with epochs, vendors, old-style Fedora licence tags and a modular package. */
export const rockyInventory: Inventory = {
  image: {
    reference: 'oci:./rocky-layout:9',
    transport: 'oci',
    tags: ['quay.example/rockylinux/rockylinux:9'],
    manifestDigest: digest('rocky-manifest'),
    configDigest: digest('rocky-config'),
    os: 'linux',
    architecture: 'amd64',
    created: '2023-11-20T09:05:17Z',
    layers: [layer(0, 'KIWI 9.24.43')],
    labels: { 'org.opencontainers.image.licenses': 'BSD-3-Clause', 'org.opencontainers.image.vendor': 'Rocky Enterprise Software Foundation' },
  },
  distro: {
    id: 'rocky',
    versionId: '9.3',
    version: '9.3 (Blue Onyx)',
    name: 'Rocky Linux',
    prettyName: 'Rocky Linux 9.3 (Blue Onyx)',
    idLike: ['rhel', 'centos', 'fedora'],
    cpeName: 'cpe:/o:rocky:rocky:9::baseos',
    source: 'etc/os-release',
  },
  packages: [
    rpm('rpm-00000000000000a1', 'bash', undefined, '5.1.8', '6.el9_1', 'GPLv3+'),
    rpm('rpm-00000000000000a2', 'openssl-libs', 1, '3.0.7', '24.el9', 'ASL 2.0'),
    rpm('rpm-00000000000000a3', 'shadow-utils', 2, '4.9', '8.el9', 'BSD and GPLv2+'),
    rpm('rpm-00000000000000a4', 'glibc', undefined, '2.34', '83.el9.7', 'LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with exceptions and BSD and Inner-Net and ISC and Public Domain and GFDL'),
    rpm('rpm-00000000000000a5', 'libgcc', undefined, '11.4.1', '2.1.el9', 'GPL-3.0-or-later AND LGPL-3.0-or-later AND GPL-3.0-or-later WITH GCC-exception-3.1'),
    rpm('rpm-00000000000000a6', 'tzdata', undefined, '2023c', '1.el9', 'Public Domain'),
    rpm('rpm-00000000000000a7', 'nodejs', 1, '18.14.2', '2.module+el9.2.0+1110+8d4b2b5b', 'MIT and ASL 2.0 and ISC and BSD', {
      modularityLabel: 'nodejs:18:9020020230330135112:rhel9',
    }),
    rpm('rpm-00000000000000a8', 'gpg-pubkey', 0, '350d275d', '6395f1f0', 'pubkey', { vendor: '' }),
  ],
  files: [],
  relationships: [
    { from: 'rpm-00000000000000a1', to: 'rpm-00000000000000a4', type: 'depends-on' },
    { from: 'rpm-00000000000000a2', to: 'rpm-00000000000000a4', type: 'depends-on' },
    { from: 'rpm-00000000000000a3', to: 'rpm-00000000000000a2', type: 'depends-on' },
    { from: 'rpm-00000000000000a3', to: 'rpm-00000000000000a4', type: 'depends-on' },
    { from: 'rpm-00000000000000a4', to: 'rpm-00000000000000a5', type: 'depends-on' },
    { from: 'rpm-00000000000000a7', to: 'rpm-00000000000000a2', type: 'depends-on' },
  ],
  issues: [],
  extractors: ['os/rpm@1'],
};

/**
 * What goes wrong in real inventories: a rootfs without digests or creation time, no distro, a package without a
 * version or purl, licences that are not SPDX, ids and names that need escaping, a duplicate id, a package found
 * in two layers, dangling and self edges.
 */
export const edgeCasesInventory: Inventory = {
  image: {
    reference: 'rootfs:/srv/root fs',
    transport: 'rootfs',
    tags: [],
    created: 'last tuesday',
    layers: [{ index: 0, diffId: digest('rootfs:/srv/root fs') }],
    labels: {},
  },
  packages: [
    pkg(
      {
        id: 'npm:@scope/lib++ ünïcode@1.0.0#node_modules/@scope/lib++ ünïcode',
        ecosystem: 'npm',
        name: '@scope/lib++ ünïcode',
        version: '1.0.0',
        purl: 'pkg:npm/%40scope/lib%2B%2B%20%C3%BCn%C3%AFcode@1.0.0',
        licenses: ['  MIT ', 'MIT', 'LicenseRef-Scope-Proprietary'],
        foundBy: 'javascript/package-json@1',
        locations: [
          { path: 'app/node_modules/@scope/lib++ ünïcode/package.json', layer: 0 },
          { path: 'app/node_modules/@scope/lib++ ünïcode/package.json', layer: 1 },
        ],
      },
      'unused',
    ),
    pkg(
      {
        id: 'pypi-no-version',
        ecosystem: 'pypi',
        name: 'mystery',
        version: '',
        purl: '',
        licenses: [],
        foundBy: 'python/metadata@1',
      },
      'usr/lib/python3/dist-packages/mystery.egg-info/PKG-INFO',
    ),
    pkg(
      {
        id: 'pypi-custom-licence',
        ecosystem: 'pypi',
        name: 'weird_pkg',
        version: '2.0.0rc1',
        purl: 'pkg:pypi/weird-pkg@2.0.0rc1',
        licenses: ['Custom: see LICENSE.txt (c) ACME', 'Apache-2.0 OR MIT', 'mit and bsd'],
        foundBy: 'python/metadata@1',
      },
      'usr/lib/python3/dist-packages/weird_pkg-2.0.0rc1.dist-info/METADATA',
    ),
    pkg(
      {
        id: 'pypi-custom-licence',
        ecosystem: 'pypi',
        name: 'weird_pkg',
        version: '2.0.0rc1',
        purl: 'pkg:pypi/weird-pkg@2.0.0rc1',
        licenses: [],
        foundBy: 'python/metadata@1',
      },
      // Same id as the one above; the encoders keep one per id, the first in content order (this one sorts after).
      'var/lib/duplicate-of-weird_pkg/METADATA',
    ),
  ],
  files: [],
  relationships: [
    { from: 'pypi-custom-licence', to: 'npm:@scope/lib++ ünïcode@1.0.0#node_modules/@scope/lib++ ünïcode', type: 'depends-on' },
    { from: 'pypi-custom-licence', to: 'pypi-custom-licence', type: 'depends-on' },
    { from: 'pypi-custom-licence', to: 'not-in-inventory', type: 'depends-on' },
  ],
  issues: [{ path: 'usr/lib/python3/dist-packages/broken.dist-info/METADATA', stage: 'python/metadata@1', reason: 'not UTF-8' }],
  extractors: ['javascript/package-json@1', 'python/metadata@1'],
};

/** Every golden case, by the name of its folder in testdata/. */
export const goldenCases: Record<string, Inventory> = {
  'debian-dpkg': debianInventory,
  'alpine-apk': alpineInventory,
  'rocky-rpm': rockyInventory,
  'edge-cases': edgeCasesInventory,
};
