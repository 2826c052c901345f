import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A real signed APT repository for tests, built with Debian's own tools: `dpkg-deb --build` makes the packages,
 * `apt-ftparchive` the Packages and Release files, `gpg --clearsign` (throwaway key in a temp GNUPGHOME) the
 * InRelease; node:http serves it on 127.0.0.1, with switches that break it in the ways a real mirror can break.
 *
 * Suites (component main, architecture amd64):
 * - `bookworm`: libgrout-demo1 1.0-1, libgrout-demo-dev 1.0-1, grout-demo-bin 1.0-1, grout-demo-tool 1.0-1
 * - `bookworm-security` (Acquire-By-Hash, pool/updates): libgrout-demo1 1.0-2 (changelog names CVE-2099-0001 and
 *   CVE-2099-0002), libgrout-demo-dev 1.0-2 (`= ${binary:Version}` of the library), grout-demo-bin 1.0-2
 *   (`>= ${binary:Version}` of the library), grout-demo-tool 1.1-1 (gains a dependency on the new libgrout-extra1)
 * - `bookworm-stale`: bookworm's packages, with a Valid-Until in the past
 * - `bookworm-detached`: bookworm's packages, signed only as Release + Release.gpg (no InRelease)
 * - `bookworm-labelled`: bookworm-security's packages under a suite name that does not say so, with
 *   `Label: Debian-Security` (how a release file marks a security suite besides its name)
 */
export interface AptRepo {
  /** `http://127.0.0.1:<port>/debian`. */
  url: string;
  /** The repository's files (`dists/`, `pool/`). */
  root: string;
  /** The archive key as a binary keyring, as Debian ships keyrings in /usr/share/keyrings. */
  keyring: Buffer;
  keyringArmored: string;
  fingerprint: string;
  /** A key that signed nothing here (binary keyring): for "unknown key". */
  otherKeyring: Buffer;
  /** Built .deb files by `name_version`. */
  debs: Map<string, string>;
  faults: AptRepoFaults;
  /** Request paths served, in order (after the `/debian` prefix). */
  requests: string[];
  /** Stop answering (connection refused) or start again on the same port. */
  setDown(down: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface AptRepoFaults {
  /** InRelease with one signed byte changed. */
  badSignature: boolean;
  /** Packages indexes with one byte changed (same size, other hash). */
  corruptPackages: boolean;
  /** .deb files with one byte changed. */
  corruptDebs: boolean;
  /** Paths (relative to the archive root) answered with 404. */
  missing: Set<string>;
}

export function aptToolsAvailable(): boolean {
  return ['dpkg-deb', 'apt-ftparchive', 'gpg', 'xz'].every((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

interface DebSpec {
  name: string;
  version: string;
  arch?: string;
  source?: string;
  depends?: string;
  multiArch?: string;
  /** Changelog stanzas (newest first) as [version, distribution, change lines]. */
  changelog?: [string, string, string[]][];
}

const LIB_CHANGELOG: [string, string, string[]][] = [
  ['1.0-2', 'bookworm-security', ['Fix a heap overflow in the frobnicator (CVE-2099-0001).', 'debian/patches/CVE-2099-0002.patch: fix a use after free.']],
  ['1.0-1', 'bookworm', ['Initial release; mentions CVE-2000-0001 which was never in this range.']],
];

const SUITES: Record<string, { pool: string; debs: DebSpec[] }> = {
  bookworm: {
    pool: 'pool/main',
    debs: [
      { name: 'libgrout-demo1', version: '1.0-1', source: 'grout-demo', multiArch: 'same', changelog: LIB_CHANGELOG.slice(1) },
      { name: 'libgrout-demo-dev', version: '1.0-1', source: 'grout-demo', depends: 'libgrout-demo1 (= 1.0-1)' },
      { name: 'grout-demo-bin', version: '1.0-1', source: 'grout-demo', depends: 'libgrout-demo1 (>= 1.0-1)' },
      { name: 'grout-demo-tool', version: '1.0-1' },
    ],
  },
  'bookworm-security': {
    pool: 'pool/updates/main',
    debs: [
      { name: 'libgrout-demo1', version: '1.0-2', source: 'grout-demo', multiArch: 'same', changelog: LIB_CHANGELOG },
      // Every binary of a source ships the source's changelog (dh_installchangelogs), as in the real archive.
      { name: 'libgrout-demo-dev', version: '1.0-2', source: 'grout-demo', depends: 'libgrout-demo1 (= 1.0-2)', changelog: LIB_CHANGELOG },
      { name: 'grout-demo-bin', version: '1.0-2', source: 'grout-demo', depends: 'libgrout-demo1 (>= 1.0-2)', changelog: LIB_CHANGELOG },
      { name: 'grout-demo-tool', version: '1.1-1', depends: 'libgrout-extra1 (>= 0.5)' },
      { name: 'libgrout-extra1', version: '0.5-1' },
    ],
  },
};

/** Build the repository and serve it. Call `stop()` when done (it removes the temp dir). */
export async function startAptRepo(): Promise<AptRepo> {
  const tmp = mkdtempSync(join(tmpdir(), 'grout-apt-repo-'));
  const gnupg = join(tmp, 'gnupg');
  mkdirSync(gnupg);
  chmodSync(gnupg, 0o700);
  const root = join(tmp, 'debian');
  const gpg = (...args: string[]): Buffer => execFileSync('gpg', ['--homedir', gnupg, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  gpg('--quick-gen-key', 'grout test archive <archive@grout.invalid>', 'ed25519', 'sign', '2y');
  gpg('--quick-gen-key', 'grout other key <other@grout.invalid>', 'ed25519', 'sign', '2y');
  const fingerprints = gpg('--with-colons', '--list-keys')
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('fpr:'))
    .map((l) => l.split(':')[9] ?? '');
  const [fingerprint = '', other = ''] = fingerprints;
  const debs = new Map<string, string>();
  for (const [suite, spec] of Object.entries(SUITES)) {
    for (const deb of spec.debs) debs.set(`${deb.name}_${deb.version}`, buildDeb(tmp, root, spec.pool, deb));
    writeSuite(root, suite, spec.pool, { signer: fingerprint, gpg, byHash: suite === 'bookworm-security' });
  }
  writeSuite(root, 'bookworm-stale', 'pool/main', { signer: fingerprint, gpg, byHash: false, validUntil: 'Sat, 01 Jan 2000 00:00:00 UTC' });
  writeSuite(root, 'bookworm-detached', 'pool/main', { signer: fingerprint, gpg, byHash: false, detachedOnly: true });
  writeSuite(root, 'bookworm-labelled', 'pool/updates/main', { signer: fingerprint, gpg, byHash: false, label: 'Debian-Security' });

  const faults: AptRepoFaults = { badSignature: false, corruptPackages: false, corruptDebs: false, missing: new Set() };
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/debian/')) {
      res.writeHead(404).end();
      return;
    }
    const rel = normalize(path.slice('/debian/'.length));
    requests.push(rel);
    const file = join(root, rel);
    if (rel.startsWith('..') || faults.missing.has(rel) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    let body: Buffer = readFileSync(file);
    if (faults.badSignature && rel.endsWith('/InRelease')) body = Buffer.from(body.toString('utf8').replace('Label: grout-test', 'Label: grout-evil'));
    if (faults.corruptPackages && (/\/Packages(\.xz|\.gz)?$/.test(rel) || rel.includes('/by-hash/'))) body = flipByte(body);
    if (faults.corruptDebs && rel.endsWith('.deb')) body = flipByte(body);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) resolve();
      else server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}/debian`,
    root,
    keyring: gpg('--export', fingerprint),
    keyringArmored: gpg('--armor', '--export', fingerprint).toString(),
    fingerprint,
    otherKeyring: gpg('--export', other),
    debs,
    faults,
    requests,
    async setDown(down) {
      if (down) await close();
      else if (!server.listening) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      await close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function flipByte(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

function buildDeb(tmp: string, root: string, pool: string, deb: DebSpec): string {
  const arch = deb.arch ?? 'amd64';
  const tree = join(tmp, 'build', `${deb.name}_${deb.version}`);
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  const control = [
    `Package: ${deb.name}`,
    `Version: ${deb.version}`,
    `Architecture: ${arch}`,
    'Maintainer: grout tests <tests@grout.invalid>',
    ...(deb.source ? [`Source: ${deb.source}`] : []),
    ...(deb.multiArch ? [`Multi-Arch: ${deb.multiArch}`] : []),
    ...(deb.depends ? [`Depends: ${deb.depends}`] : []),
    'Section: libs',
    'Priority: optional',
    `Description: grout test package ${deb.name}`,
    ' A small package for the APT repository tests.',
    '',
  ].join('\n');
  writeFileSync(join(tree, 'DEBIAN', 'control'), control);
  const lib = join(tree, 'usr', 'lib', 'grout-demo');
  mkdirSync(lib, { recursive: true });
  writeFileSync(join(lib, `${deb.name}.txt`), `${deb.name} ${deb.version}\n`);
  const doc = join(tree, 'usr', 'share', 'doc', deb.name);
  mkdirSync(doc, { recursive: true });
  const stanzas = (deb.changelog ?? [[deb.version, 'bookworm', ['Initial release.']]]).map(
    ([version, dist, changes]) => `${deb.source ?? deb.name} (${version}) ${dist}; urgency=medium\n\n${changes.map((c) => `  * ${c}`).join('\n')}\n\n -- grout tests <tests@grout.invalid>  Mon, 01 Jan 2024 00:00:00 +0000\n`,
  );
  writeFileSync(join(doc, 'changelog.Debian.gz'), gzipSync(stanzas.join('\n'), { level: 9 }));
  const letter = (deb.source ?? deb.name).startsWith('lib') ? (deb.source ?? deb.name).slice(0, 4) : (deb.source ?? deb.name).slice(0, 1);
  const out = join(root, pool, letter, deb.source ?? deb.name, `${deb.name}_${deb.version}_${arch}.deb`);
  mkdirSync(dirname(out), { recursive: true });
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', tree, out], { stdio: 'ignore' });
  return out;
}

interface SuiteOptions {
  signer: string;
  gpg: (...args: string[]) => Buffer;
  byHash: boolean;
  validUntil?: string;
  detachedOnly?: boolean;
  /** The Label field (default `grout-test`). */
  label?: string;
}

function writeSuite(root: string, suite: string, pool: string, options: SuiteOptions): void {
  const dist = join(root, 'dists', suite);
  const binary = join(dist, 'main', 'binary-amd64');
  mkdirSync(binary, { recursive: true });
  const packages = execFileSync('apt-ftparchive', ['packages', pool], { cwd: root });
  writeFileSync(join(binary, 'Packages'), packages);
  writeFileSync(join(binary, 'Packages.gz'), gzipSync(packages));
  execFileSync('xz', ['-k', '-f', join(binary, 'Packages')]);
  if (options.byHash) {
    const byHash = join(binary, 'by-hash', 'SHA256');
    mkdirSync(byHash, { recursive: true });
    for (const name of ['Packages', 'Packages.gz', 'Packages.xz']) {
      copyFileSync(join(binary, name), join(byHash, createHash('sha256').update(readFileSync(join(binary, name))).digest('hex')));
    }
  }
  const fields: [string, string][] = [
    ['Origin', 'grout-test'],
    ['Label', options.label ?? 'grout-test'],
    ['Suite', suite],
    ['Codename', suite],
    ['Architectures', 'amd64'],
    ['Components', 'main'],
    ['Date', 'Mon, 01 Jan 2024 00:00:00 UTC'],
    ...(options.byHash ? ([['Acquire-By-Hash', 'yes']] as [string, string][]) : []),
  ];
  let release = execFileSync('apt-ftparchive', [...fields.flatMap(([k, v]) => ['-o', `APT::FTPArchive::Release::${k}=${v}`]), 'release', '.'], { cwd: dist }).toString();
  // apt-ftparchive derives Valid-Until only from a validity period after Date; write the past date directly.
  if (options.validUntil) release = release.replace(/^(Date: .*)$/m, `$1\nValid-Until: ${options.validUntil}`);
  writeFileSync(join(dist, 'Release'), release);
  const local = ['--local-user', options.signer];
  if (options.detachedOnly) {
    writeFileSync(join(dist, 'Release.gpg'), options.gpg(...local, '--armor', '--detach-sign', '--output', '-', join(dist, 'Release')));
  } else {
    writeFileSync(join(dist, 'InRelease'), options.gpg(...local, '--clearsign', '--output', '-', join(dist, 'Release')));
  }
}
