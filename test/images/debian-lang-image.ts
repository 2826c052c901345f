import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild } from './build-cache.js';
import { aptInstall, buildLayeredDebianImage, inChroot } from './layered-debian.js';

/**
 * A real Debian image with language runtimes from Debian's packages (nodejs, npm, python3-pip: ~1,700 package.json
 * files under /usr/share/nodejs and dist-info folders under /usr/lib/python3/dist-packages, all owned by dpkg),
 * plus an application installed by npm into /app. `npm ls --all --json --long` inside the image is kept as the
 * reference for the npm packages grout must find.
 */
const HARNESS_VERSION = 'debian-lang-v1';
export const LANG_TAG = 'lang';
export const APP_DEPENDENCIES: Record<string, string> = {
  express: '4.19.2',
  lodash: '4.17.21',
  debug: '2.6.9',
  '@types/node': '20.11.30',
  semver: '7.6.0',
  'lru-cache': '6.0.0',
};

export interface DebianLangImage {
  ociLayout: string;
  rootfs: string;
  /** `npm ls --all --json --long` of /app, run in the image. */
  npmLs: unknown;
}

export async function debianLangImage(): Promise<DebianLangImage> {
  const dir = await cachedBuild(HARNESS_VERSION, (out) => {
    const { bundle } = buildLayeredDebianImage(out, LANG_TAG, 'mmdebstrap --variant=minbase bookworm', [
      { createdBy: 'RUN apt-get install nodejs npm python3-pip', chroot: aptInstall(['nodejs', 'npm', 'python3-pip', 'ca-certificates']) },
      {
        createdBy: 'RUN cd /app && npm install --omit=dev',
        apply: (rootfs) => {
          mkdirSync(join(rootfs, 'app'), { recursive: true });
          writeFileSync(join(rootfs, 'app', 'package.json'), JSON.stringify({ name: 'grout-test-app', version: '1.0.0', private: true, dependencies: APP_DEPENDENCIES }, null, 2));
          // The machine's CA bundle, for a network whose TLS is inspected by a local authority; removed afterwards.
          copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(rootfs, 'tmp', 'host-ca.crt'));
          try {
            inChroot(rootfs, ['cd /app', 'npm install --omit=dev --no-audit --no-fund --loglevel=error --cafile=/tmp/host-ca.crt', 'rm -rf /root/.npm']);
          } finally {
            rmSync(join(rootfs, 'tmp', 'host-ca.crt'), { force: true });
          }
        },
      },
    ]);
    const rootfs = join(bundle, 'rootfs');
    const ls = execFileSync('chroot', [rootfs, '/bin/sh', '-c', 'cd /app && npm ls --all --json --long'], { maxBuffer: 1 << 28 });
    writeFileSync(join(out, 'npm-ls.json'), ls);
  });
  return {
    ociLayout: join(dir, 'layout'),
    rootfs: join(dir, 'bundle', 'rootfs'),
    npmLs: JSON.parse(readFileSync(join(dir, 'npm-ls.json'), 'utf8')),
  };
}
