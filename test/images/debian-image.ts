import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild } from './build-cache.js';

/**
 * A real multi-layer OCI image built from Debian's own packages, with no Docker daemon: mmdebstrap makes the
 * base, then each further layer is a real change made with apt/dpkg in a chroot and captured by `umoci repack`
 * (which writes whiteouts for what was removed). Cached between runs; bump HARNESS_VERSION to rebuild.
 *
 * Layers: 0 minbase bookworm · 1 installs packages · 2 purges one of them · 3 deletes package files behind dpkg's
 * back and adds a file nobody owns.
 */
const HARNESS_VERSION = 'debian-bookworm-v2';
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
  const layout = join(dir, 'layout');
  const bundle = join(dir, 'bundle');
  const rootfs = join(bundle, 'rootfs');
  const base = join(dir, 'base.tar');
  const ref = `${layout}:${TAG}`;
  // No mirror argument: mmdebstrap takes the machine's own apt sources.
  execFileSync('mmdebstrap', ['--variant=minbase', '--quiet', 'bookworm', base], quiet);
  execFileSync('umoci', ['init', '--layout', layout], quiet);
  execFileSync('umoci', ['new', '--image', ref], quiet);
  execFileSync('umoci', ['raw', 'add-layer', '--image', ref, base, '--history.created_by', CREATED_BY[0]!], quiet);
  rmSync(base);
  execFileSync('umoci', ['unpack', '--image', ref, bundle], quiet);

  inChroot(rootfs, [
    'apt-get update -qq',
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${INSTALLED.join(' ')}`,
    'apt-get clean',
    'rm -rf /var/lib/apt/lists/*',
  ]);
  repack(ref, bundle, CREATED_BY[1]!);

  inChroot(rootfs, [`dpkg --purge ${PURGED}`]);
  repack(ref, bundle, CREATED_BY[2]!);

  for (const path of DELETED_BEHIND_DPKG) rmSync(join(rootfs, path));
  copyFileSync(join(rootfs, 'usr/bin/true'), join(rootfs, UNOWNED_FILE));
  repack(ref, bundle, CREATED_BY[3]!);

  execFileSync('tar', ['--sort=name', '-C', layout, '-cf', join(dir, 'image-oci.tar'), '.'], quiet);
  execFileSync('skopeo', ['copy', '--quiet', `oci:${ref}`, `docker-archive:${join(dir, 'image-docker.tar')}:grout/test:1`], quiet);
  const lines = execFileSync(
    'dpkg-query',
    [`--admindir=${join(rootfs, 'var/lib/dpkg')}`, '-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'],
    { encoding: 'utf8' },
  );
  const installed = lines
    .split('\n')
    .filter((l) => l.startsWith('installed\t'))
    .map((l) => l.slice('installed\t'.length))
    .sort();
  writeFileSync(join(dir, 'expected-dpkg.txt'), `${installed.join('\n')}\n`);
}

/** Run shell commands in the rootfs as root, with the machine's resolver so apt reaches the configured mirror. */
function inChroot(rootfs: string, commands: string[]): void {
  const resolv = join(rootfs, 'etc', 'resolv.conf');
  const hadResolv = existsSync(resolv);
  if (!hadResolv) copyFileSync('/etc/resolv.conf', resolv);
  try {
    execFileSync('chroot', [rootfs, '/bin/sh', '-ec', commands.join('\n')], { ...quiet, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' } });
  } finally {
    if (!hadResolv) rmSync(resolv, { force: true });
  }
}

/**
 * Capture the bundle's changes as a new layer. umoci diffs against the state at unpack time, so the bundle is
 * unpacked afresh after each layer for the next one to stack on top.
 */
function repack(ref: string, bundle: string, createdBy: string): void {
  execFileSync('umoci', ['repack', '--image', ref, bundle, '--history.created_by', createdBy], quiet);
  rmSync(bundle, { recursive: true, force: true });
  execFileSync('umoci', ['unpack', '--image', ref, bundle], quiet);
}
