import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventory } from '../../src/index.js';
import { cycloneDxValidator, describeErrors, spdxValidator } from '../../src/sbom/testdata/schemas.js';
import type { Inventory } from '../../src/core/model.js';
import { CREATED_BY, DELETED_BEHIND_DPKG, INSTALLED, PURGED, TAG, UNOWNED_FILE, debianTestImage } from './debian-image.js';

/**
 * grout against the real Debian test image (built by debian-image.ts), checked against dpkg itself: the package set
 * grout reports equals `dpkg-query --admindir=<rootfs>/var/lib/dpkg -W` on the same root filesystem.
 */
const image = debianTestImage();

function dpkgLines(inv: Inventory): string[] {
  return inv.packages
    .filter((p) => p.foundBy === 'os/dpkg@1')
    .map((p) => [p.name, p.version, p.arch ?? '', p.source?.name ?? p.name, p.source?.version ?? p.version].join('\t'))
    .sort();
}

describe('a real multi-layer Debian image', () => {
  it.each(['oci', 'oci-archive', 'docker-archive', 'rootfs'] as const)('%s: the dpkg package set equals dpkg-query on the rootfs', async (transport) => {
    const img = await image;
    const reference = {
      oci: `oci:${img.ociLayout}:${TAG}`,
      'oci-archive': `oci-archive:${img.ociArchive}:${TAG}`,
      'docker-archive': `docker-archive:${img.dockerArchive}`,
      rootfs: `rootfs:${img.rootfs}`,
    }[transport];
    const inv = await inventory(reference);
    expect(img.expectedDpkg.length).toBeGreaterThan(80);
    expect(dpkgLines(inv)).toEqual(img.expectedDpkg);
    expect(inv.distro).toMatchObject({ id: 'debian', codename: 'bookworm' });
    expect(inv.distro?.versionId).toMatch(/^12(\.\d+)?$/);
  });

  it('attributes each package to the layer that installed it, with its history', async () => {
    const img = await image;
    const inv = await inventory(`oci:${img.ociLayout}:${TAG}`);
    expect(inv.image.layers.map((l) => l.createdBy)).toEqual(CREATED_BY);
    const layerOf = (name: string): number | undefined => inv.packages.find((p) => p.name === name)?.locations[0]?.layer;
    expect(layerOf('dpkg')).toBe(0);
    expect(layerOf('base-files')).toBe(0);
    for (const name of INSTALLED.filter((n) => n !== PURGED && n !== 'libgcrypt20' && n !== 'gzip')) expect(layerOf(name), name).toBe(1);
    expect(layerOf(PURGED)).toBeUndefined();
    // libgcrypt20 is in minbase already (apt needs it): installing it again changes nothing.
    expect(layerOf('libgcrypt20')).toBe(0);
  });

  it('sees files deleted behind dpkg\'s back as gone, and purged files as whited out', async () => {
    const img = await image;
    const inv = await inventory(`oci:${img.ociLayout}:${TAG}`);
    const paths = new Set(inv.files.map((f) => f.path));
    for (const path of DELETED_BEHIND_DPKG) expect(paths.has(path), path).toBe(false);
    expect(inv.packages.find((p) => p.name === 'bzip2')?.files).not.toContain('usr/bin/bzip2recover');
    // `less` was purged in layer 2: its files are whited out, nothing claims them.
    expect(paths.has('usr/bin/less')).toBe(false);
    expect(paths.has('usr/share/doc/less/copyright')).toBe(false);
    // The binary copied in behind dpkg's back is listed as owned by nobody, with its hash and layer.
    const mystery = inv.files.find((f) => f.path === UNOWNED_FILE);
    expect(mystery).toMatchObject({ owners: [], layer: 3, executable: { format: 'elf', elfType: 'executable' } });
    expect(mystery?.sha256).toBe(createHash('sha256').update(readFileSync(join(img.rootfs, UNOWNED_FILE))).digest('hex'));
    // Every ELF file in /usr/bin belongs to some package but the mystery binary.
    const unowned = inv.files.filter((f) => f.owners.length === 0 && f.executable).map((f) => f.path);
    expect(unowned.filter((p) => p.startsWith('usr/bin/'))).toEqual([]);
    // merged /usr: dpkg lists /bin/bash; the file is usr/bin/bash.
    const bash = inv.packages.find((p) => p.name === 'bash')!;
    expect(bash.files).toContain('usr/bin/bash');
    expect(inv.files.find((f) => f.path === 'usr/bin/bash')).toMatchObject({ owners: [bash.id], digests: [{ algorithm: 'md5' }] });
  });

  it('gives byte-identical SBOMs from the OCI layout, the OCI archive and twice in a row', async () => {
    const img = await image;
    const { sbom } = await import('../../src/index.js');
    const a = await sbom(`oci:${img.ociLayout}:${TAG}`, { format: 'cyclonedx' });
    const b = await sbom(`oci:${img.ociLayout}:${TAG}`, { format: 'cyclonedx' });
    expect(a).toBe(b);
    const spdxA = await sbom(`oci:${img.ociLayout}:${TAG}`, { format: 'spdx' });
    const spdxB = await sbom(`oci:${img.ociLayout}:${TAG}`, { format: 'spdx' });
    expect(spdxA).toBe(spdxB);
    const validate = cycloneDxValidator();
    expect(validate(JSON.parse(a)), describeErrors(validate.errors)).toBe(true);
    const validateSpdx = spdxValidator();
    if (validateSpdx) expect(validateSpdx(JSON.parse(spdxA)), describeErrors(validateSpdx.errors)).toBe(true);
  });
});
