import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild } from './build-cache.js';
import { debianLangImage, LANG_TAG } from './debian-lang-image.js';
import { inChroot } from './layered-debian.js';

/**
 * The acceptance image for vulnerability matching: the real Debian language image (debian-lang-image.ts) plus one
 * layer in which `npm ci` installs two applications from lockfiles that npm itself resolved — one pinned to
 * known-vulnerable releases (lodash 4.17.15, minimist 1.2.0, axios 0.21.0, express 4.17.1 and whatever they pull
 * in), one to the releases that fixed them. The advisories in ../shared/vulndata must hit the first and not the
 * second.
 */
const HARNESS_VERSION = 'debian-vulnerable-app-v1';
export const VULNERABLE_TAG = 'vulnerable';
export const VULNERABLE_APP_DIR = 'srv/vulnerable-app';
export const FIXED_APP_DIR = 'srv/fixed-app';
export const VULNERABLE_DEPENDENCIES: Record<string, string> = { lodash: '4.17.15', minimist: '1.2.0', axios: '0.21.0', express: '4.17.1' };
export const FIXED_DEPENDENCIES: Record<string, string> = { lodash: '4.17.21', minimist: '1.2.6', axios: '1.6.0', express: '4.19.2' };
export const APP_LAYER_CREATED_BY = 'RUN npm ci (vulnerable-app, fixed-app)';

export interface VulnerableAppImage {
  ociLayout: string;
  rootfs: string;
}

export async function debianVulnerableAppImage(): Promise<VulnerableAppImage> {
  const base = await debianLangImage();
  const dir = await cachedBuild(HARNESS_VERSION, (out) => {
    const layout = join(out, 'layout');
    const bundle = join(out, 'bundle');
    cpSync(base.ociLayout, layout, { recursive: true });
    const quiet = { stdio: ['ignore', 'ignore', 'pipe'] as ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 };
    execFileSync('umoci', ['tag', '--image', `${layout}:${LANG_TAG}`, VULNERABLE_TAG], quiet);
    execFileSync('umoci', ['unpack', '--image', `${layout}:${VULNERABLE_TAG}`, bundle], quiet);
    const rootfs = join(bundle, 'rootfs');
    copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(rootfs, 'tmp', 'host-ca.crt'));
    try {
      for (const [app, dependencies] of [
        [VULNERABLE_APP_DIR, VULNERABLE_DEPENDENCIES],
        [FIXED_APP_DIR, FIXED_DEPENDENCIES],
      ] as const) {
        mkdirSync(join(rootfs, app), { recursive: true });
        writeFileSync(join(rootfs, app, 'package.json'), JSON.stringify({ name: app.split('/')[1], version: '1.0.0', private: true, dependencies }, null, 2));
        const npm = 'npm --no-audit --no-fund --loglevel=error --cafile=/tmp/host-ca.crt';
        // npm resolves the tree into a lockfile, then `npm ci` installs exactly that lockfile.
        inChroot(rootfs, [`cd /${app}`, `${npm} install --package-lock-only`, `${npm} ci --omit=dev`]);
      }
      inChroot(rootfs, ['rm -rf /root/.npm']);
    } finally {
      rmSync(join(rootfs, 'tmp', 'host-ca.crt'), { force: true });
    }
    execFileSync('umoci', ['repack', '--image', `${layout}:${VULNERABLE_TAG}`, bundle, '--history.created_by', APP_LAYER_CREATED_BY], quiet);
  });
  return { ociLayout: join(dir, 'layout'), rootfs: join(dir, 'bundle', 'rootfs') };
}
