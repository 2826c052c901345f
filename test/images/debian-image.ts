import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild } from './build-cache.js';
import { aptInstall, buildLayeredDebianImage } from './layered-debian.js';

/**
 * A real multi-layer OCI image built from Debian's own packages, with no Docker daemon: mmdebstrap makes the
 * base, then each further layer is a real change made with apt/dpkg in a chroot and captured by `umoci repack`
 * (which writes whiteouts for what was removed). Cached between runs; bump HARNESS_VERSION to rebuild.
 *
 * Layers: 0 minbase bookworm · 1 installs packages · 2 purges one of them · 3 deletes package files behind dpkg's
 * back and adds a file nobody owns.
 */
const HARNESS_VERSION = 'debian-bookworm-v3';
export const TAG = 'test';
export const INSTALLED = ['curl', 'libgcrypt20', 'bzip2', 'xz-utils', 'less'];
export const PURGED = 'less';
export const DELETED_BEHIND_DPKG = ['usr/bin/bzip2recover', 'usr/share/doc/curl/copyright'];
export const UNOWNED_FILE = 'usr/local/bin/mystery';

export const CREATED_BY = [
  'mmdebstrap --variant=minbase bookworm',
  `RUN apt-get install -y --no-install-recommends ${INSTALLED.join(' ')}`,
  `RUN dpkg --purge ${PURGED}`,
  `RUN rm ${DELETED_BEHIND_DPKG.map((p) => `/${p}`).join(' ')} && cp /bin/true /${UNOWNED_FILE}`,
];

export interface DebianTestImage {
  /** OCI layout directory; the image is tagged TAG. */
  ociLayout: string;
  /** The same layout as one tar. */
  ociArchive: string;
  /** `docker save`-style archive written by skopeo, tagged grout/test:1. */
  dockerArchive: string;
  /** The final root filesystem, unpacked. */
  rootfs: string;
  /** `dpkg-query -W` on the final rootfs: name, version, arch, source name, source version; sorted lines. */
  expectedDpkg: string[];
}

const quiet: ExecFileSyncOptions = { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 };

export async function debianTestImage(): Promise<DebianTestImage> {
  const dir = await cachedBuild(HARNESS_VERSION, build);
  return {
    ociLayout: join(dir, 'layout'),
    ociArchive: join(dir, 'image-oci.tar'),
    dockerArchive: join(dir, 'image-docker.tar'),
    rootfs: join(dir, 'bundle', 'rootfs'),
    expectedDpkg: readFileSync(join(dir, 'expected-dpkg.txt'), 'utf8').split('\n').filter(Boolean),
  };
}

function build(dir: string): void {
  const { layout, bundle } = buildLayeredDebianImage(dir, TAG, CREATED_BY[0]!, [
    { createdBy: CREATED_BY[1]!, chroot: aptInstall(INSTALLED) },
    { createdBy: CREATED_BY[2]!, chroot: [`dpkg --purge ${PURGED}`] },
    {
      createdBy: CREATED_BY[3]!,
      apply: (rootfs) => {
        for (const path of DELETED_BEHIND_DPKG) rmSync(join(rootfs, path));
        copyFileSync(join(rootfs, 'usr/bin/true'), join(rootfs, UNOWNED_FILE));
      },
    },
  ]);
  const rootfs = join(bundle, 'rootfs');
  const ref = `${layout}:${TAG}`;
  execFileSync('tar', ['--sort=name', '-C', layout, '-cf', join(dir, 'image-oci.tar'), '.'], quiet);
  execFileSync('skopeo', ['copy', '--quiet', `oci:${ref}`, `docker-archive:${join(dir, 'image-docker.tar')}:grout/test:1`], quiet);
  writeFileSync(join(dir, 'expected-dpkg.txt'), `${dpkgQuery(rootfs).join('\n')}\n`);
}

/** Installed packages as dpkg itself reports them for a root file system: name, version, arch, source, source version. */
export function dpkgQuery(rootfs: string): string[] {
  const lines = execFileSync(
    'dpkg-query',
    [`--admindir=${join(rootfs, 'var/lib/dpkg')}`, '-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return lines
    .split('\n')
    .filter((l) => l.startsWith('installed\t'))
    .map((l) => l.slice('installed\t'.length))
    .sort();
}
