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
 *
 * A cold build took 116 s on the project's 2-core machine (beside another image build); the cache entry is 530 MB:
 * layout 70 MB (4 gzip layers, 198 MB uncompressed), OCI archive 70 MB, docker-archive 189 MB, rootfs 205 MB.
 */
const HARNESS_VERSION = 'debian-bookworm-v4';
export const TAG = 'test';
/**
 * Installed in layer 1. curl brings libcurl4 and libssl3 (binary names unlike their sources curl and openssl);
 * `file` brings libmagic1 `1:5.44-3`, an epoch on a package whose source is named otherwise; libgcrypt20 is already
 * in minbase (apt needs it), so asking again changes nothing.
 */
export const INSTALLED = ['curl', 'ca-certificates', 'file', 'libgcrypt20', 'bzip2', 'xz-utils', 'less'];
/** A package of layer 1 whose version has an epoch and whose source package has another name. */
export const EPOCH_AND_SOURCE = { name: 'libmagic1', source: 'file' };
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
  /** `docker save`-style archive written by skopeo, tagged grout/test:1 (RepoTags says docker.io/grout/test:1). */
  dockerArchive: string;
  /** The final root filesystem, unpacked. */
  rootfs: string;
  /**
   * `dpkg-query -W` on the final rootfs, packages in state `installed` only: name, version, arch, source name,
   * source version, tab-separated; sorted lines.
   */
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
