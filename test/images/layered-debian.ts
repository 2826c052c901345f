import { execFileSync, spawnSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** One layer on top of the mmdebstrap base: shell commands run in the rootfs (chroot), or a change made from outside. */
export interface LayerStep {
  createdBy: string;
  chroot?: string[];
  apply?: (rootfs: string) => void;
}

export interface LayeredImagePaths {
  layout: string;
  /** The bundle whose rootfs/ is the final file system. */
  bundle: string;
}

const quiet: ExecFileSyncOptions = { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 };

/**
 * Build a real multi-layer OCI image from Debian's packages with no Docker daemon: mmdebstrap makes the base layer
 * (from the machine's own apt sources: no mirror is named), then every step changes an unpacked copy of the image
 * and `umoci repack` records the difference, whiteouts included, as a new gzip layer with its history entry.
 */
export function buildLayeredDebianImage(dir: string, tag: string, baseCreatedBy: string, steps: LayerStep[], mmdebstrapArgs: string[] = []): LayeredImagePaths {
  const layout = join(dir, 'layout');
  const bundle = join(dir, 'bundle');
  const base = join(dir, 'base.tar');
  const ref = `${layout}:${tag}`;
  requireTools(['mmdebstrap', 'umoci', 'skopeo', 'chroot']);
  execFileSync('mmdebstrap', ['--variant=minbase', '--quiet', ...mmdebstrapArgs, 'bookworm', base], quiet);
  execFileSync('umoci', ['init', '--layout', layout], quiet);
  execFileSync('umoci', ['new', '--image', ref], quiet);
  execFileSync('umoci', ['raw', 'add-layer', '--image', ref, base, '--history.created_by', baseCreatedBy], quiet);
  rmSync(base);
  execFileSync('umoci', ['unpack', '--image', ref, bundle], quiet);
  const rootfs = join(bundle, 'rootfs');
  for (const step of steps) {
    if (step.chroot) inChroot(rootfs, step.chroot);
    step.apply?.(rootfs);
    // umoci diffs against the state at unpack time: unpack afresh so the next step stacks on this one.
    execFileSync('umoci', ['repack', '--image', ref, bundle, '--history.created_by', step.createdBy], quiet);
    rmSync(bundle, { recursive: true, force: true });
    execFileSync('umoci', ['unpack', '--image', ref, bundle], quiet);
  }
  return { layout, bundle };
}

/** Fail early, saying what to install, rather than with a bare ENOENT from the middle of a build. */
function requireTools(tools: string[]): void {
  const missing = tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) throw new Error(`building the Debian test images needs ${missing.join(', ')}: apt-get install -y mmdebstrap umoci skopeo (as root)`);
}

/** Run shell commands in the rootfs as root, with the machine's resolver so apt reaches the configured mirror. */
export function inChroot(rootfs: string, commands: string[]): void {
  const resolv = join(rootfs, 'etc', 'resolv.conf');
  const hadResolv = existsSync(resolv);
  if (!hadResolv) copyFileSync('/etc/resolv.conf', resolv);
  try {
    execFileSync('chroot', [rootfs, '/bin/sh', '-ec', commands.join('\n')], {
      ...quiet,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
      // A step that waits on the network for this long is stuck, not slow.
      timeout: 20 * 60 * 1000,
    });
  } finally {
    if (!hadResolv) rmSync(resolv, { force: true });
  }
}

/** apt commands for one install step, leaving no package lists or archives in the layer. */
export function aptInstall(packages: string[]): string[] {
  return [
    'apt-get update -qq',
    `apt-get install -y -qq --no-install-recommends ${packages.join(' ')}`,
    'apt-get clean',
    'rm -rf /var/lib/apt/lists/*',
  ];
}
