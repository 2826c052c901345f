import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDatabase } from '../src/vulndb/index.js';
import { startAptRepo, type AptRepo } from './apt-repo/apt-repo.js';
import { cachedBuild } from './images/build-cache.js';
import { debianTestImage, TAG } from './images/debian-image.js';
import { inChroot } from './images/layered-debian.js';

/**
 * The `grout fix` demo, shared by the end-to-end tests: a real Debian image in which dpkg installed an old release
 * of a library (grout-demo 1.0-1, from the signed test repository), an advisory saying 1.0-2 fixes CVE-2099-0001
 * imported into a database, and the signed repository serving 1.0-2 in its security suite on 127.0.0.1.
 */
export const OLD_TAG = 'old';

export interface FixDemo {
  repo: AptRepo;
  /** A temp directory for the test's outputs; removed by `stop()`. */
  work: string;
  /** The vulnerability database holding the advisory. */
  db: string;
  /** The OCI layout holding the vulnerable image, tagged OLD_TAG (cached between runs: never write to it). */
  oldLayout: string;
  /** The repository's key as a binary keyring file. */
  keyring: string;
  /** The apt source lines of the repository's main and security suites. */
  repos(): string[];
  stop(): Promise<void>;
}

export async function startFixDemo(): Promise<FixDemo> {
  const repo = await startAptRepo();
  const work = mkdtempSync(join(tmpdir(), 'grout-fix-e2e-'));
  const keyring = join(work, 'archive.gpg');
  writeFileSync(keyring, repo.keyring);
  const base = await debianTestImage();
  const oldDebs = ['libgrout-demo1_1.0-1', 'libgrout-demo-dev_1.0-1'].map((k) => repo.debs.get(k)!);
  // The vulnerable image: the Debian test image plus a layer in which dpkg installed the old release.
  const built = await cachedBuild('debian-fix-demo-v1', (out) => {
    const layout = join(out, 'layout');
    const bundle = join(out, 'bundle');
    cpSync(base.ociLayout, layout, { recursive: true });
    const quiet = { stdio: ['ignore', 'ignore', 'pipe'] as ['ignore', 'ignore', 'pipe'] };
    execFileSync('umoci', ['tag', '--image', `${layout}:${TAG}`, OLD_TAG], quiet);
    execFileSync('umoci', ['unpack', '--image', `${layout}:${OLD_TAG}`, bundle], quiet);
    const rootfs = join(bundle, 'rootfs');
    mkdirSync(join(rootfs, 'tmp', 'debs'), { recursive: true });
    for (const deb of oldDebs) copyFileSync(deb, join(rootfs, 'tmp', 'debs', deb.split('/').pop()!));
    inChroot(rootfs, ['dpkg -i /tmp/debs/*.deb', 'rm -rf /tmp/debs']);
    execFileSync('umoci', ['repack', '--image', `${layout}:${OLD_TAG}`, bundle, '--history.created_by', 'RUN dpkg -i libgrout-demo1_1.0-1 libgrout-demo-dev_1.0-1'], quiet);
    rmSync(bundle, { recursive: true, force: true });
  });
  // The advisory, as an OSV record of the Debian 12 ecosystem, imported offline.
  const osv = join(work, 'osv');
  mkdirSync(osv);
  writeFileSync(
    join(osv, 'DEBIAN-CVE-2099-0001.json'),
    JSON.stringify({
      schema_version: '1.6.0',
      id: 'DEBIAN-CVE-2099-0001',
      aliases: ['CVE-2099-0001'],
      modified: '2099-01-02T00:00:00Z',
      summary: 'heap overflow in the frobnicator',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'grout-demo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0-2' }] }] }],
    }),
  );
  const db = join(work, 'grout.db');
  await importDatabase(db, [osv]);
  return {
    repo,
    work,
    db,
    oldLayout: join(built, 'layout'),
    keyring,
    repos: () => [`deb ${repo.url} bookworm main`, `deb ${repo.url} bookworm-security main`],
    async stop() {
      await repo.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
