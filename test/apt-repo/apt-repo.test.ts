import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KeyringLoader } from '../../src/fix/apt/keyring.js';
import { fetchPackagesIndex } from '../../src/fix/apt/packages-index.js';
import { fetchRelease } from '../../src/fix/apt/release.js';
import { downloadPlanned, loadAptRepositories } from '../../src/fix/apt/repositories.js';
import { resolvePlan, type InstalledDeb } from '../../src/fix/apt/resolve.js';
import { changelogCvesFromDeb } from '../../src/fix/apt/changelog-cves.js';
import { imageFilesOf, type AptSource, type ImageFiles } from '../../src/fix/apt/sources.js';
import { groutFailure } from '../grout-error.js';
import { viewOfFiles } from '../memory-view.js';
import { aptToolsAvailable, startAptRepo, type AptRepo } from './apt-repo.js';

const FAST = { retries: 0, timeoutMs: 10_000 };

/** An image whose sources point at the test repository, with its key where Debian keeps archive keyrings. */
function imageFor(repo: AptRepo, sources: string, extra: Record<string, string | Buffer> = {}): ImageFiles {
  return imageFilesOf(
    viewOfFiles({
      'etc/apt/sources.list.d/grout.sources': sources,
      'usr/share/keyrings/grout-test-archive-keyring.gpg': repo.keyring,
      ...extra,
    }),
  );
}

function deb822(repo: AptRepo, suites = 'bookworm bookworm-security', signedBy = 'Signed-By: /usr/share/keyrings/grout-test-archive-keyring.gpg'): string {
  return `Types: deb\nURIs: ${repo.url}\nSuites: ${suites}\nComponents: main\n${signedBy}\n`;
}

const installed: InstalledDeb[] = [
  { name: 'libgrout-demo1', arch: 'amd64', version: '1.0-1', source: 'grout-demo', sourceVersion: '1.0-1', multiArch: 'same' },
  { name: 'libgrout-demo-dev', arch: 'amd64', version: '1.0-1', source: 'grout-demo', depends: 'libgrout-demo1 (= 1.0-1)' },
  { name: 'grout-demo-tool', arch: 'amd64', version: '1.0-1' },
];

describe.skipIf(!aptToolsAvailable())('APT repositories against a signed repository built with dpkg-deb, apt-ftparchive and gpg', () => {
  let repo: AptRepo;
  let work: string;
  beforeAll(async () => {
    repo = await startAptRepo();
    work = mkdtempSync(join(tmpdir(), 'grout-apt-test-'));
  });
  afterAll(async () => {
    await repo?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  afterEach(async () => {
    repo.faults.badSignature = false;
    repo.faults.corruptPackages = false;
    repo.faults.corruptDebs = false;
    repo.faults.missing.clear();
    repo.requests.length = 0;
    await repo.setDown(false);
  });

  it('plans the security upgrade: candidates, pinned siblings, a new dependency, verified downloads and changelog CVEs', async () => {
    const files = imageFor(repo, deb822(repo));
    const repos = await loadAptRepositories(files, { arch: 'amd64', ...FAST, indexCache: false }); // count every request
    expect(repos.issues).toEqual([]);
    expect(repos.releases.map((r) => [r.suite, r.signers])).toEqual([
      ['bookworm', [repo.fingerprint]],
      ['bookworm-security', [repo.fingerprint]],
    ]);
    // Acquire-By-Hash: the security index came by its content address, and .gz was preferred (native zlib).
    expect(repos.releases[1]?.acquireByHash).toBe(true);
    expect(repo.requests.filter((r) => r.includes('binary-amd64'))).toEqual(['dists/bookworm/main/binary-amd64/Packages.gz', expect.stringMatching(/^dists\/bookworm-security\/main\/binary-amd64\/by-hash\/SHA256\/[0-9a-f]{64}$/)]);
    expect(repos.index.packages.get('libgrout-demo1')?.map((p) => `${p.version} ${p.source} ${p.multiArch}`)).toEqual(['1.0-1 grout-demo same', '1.0-2 grout-demo same']);

    const plan = resolvePlan({
      installed,
      wanted: [
        { name: 'grout-demo', minimum: '1.0-2', by: 'source' },
        { name: 'grout-demo-tool', minimum: '1.1' },
      ],
      index: repos.index,
      arch: 'amd64',
    });
    expect(plan.unfixable).toEqual([]);
    expect(plan.upgrades.map((u) => `${u.name} ${u.from}→${u.to} ${u.repo}`)).toEqual([
      `grout-demo-tool 1.0-1→1.1-1 ${repo.url} bookworm-security/main`,
      `libgrout-demo-dev 1.0-1→1.0-2 ${repo.url} bookworm-security/main`,
      `libgrout-demo1 1.0-1→1.0-2 ${repo.url} bookworm-security/main`,
    ]);
    expect(plan.newPackages.map((p) => `${p.name} ${p.to} (${p.reason})`)).toEqual(['libgrout-extra1 0.5-1 (needed by grout-demo-tool)']);

    const lib = plan.upgrades.find((u) => u.name === 'libgrout-demo1');
    if (lib === undefined) throw new Error('no library upgrade');
    const file = await downloadPlanned(lib, work, FAST);
    expect(file).toBe(join(work, 'libgrout-demo1_1.0-2_amd64.deb'));
    const cves = await changelogCvesFromDeb(file, 'libgrout-demo1', '1.0-1', '1.0-2');
    expect(cves).toEqual({ cves: [{ id: 'CVE-2099-0001', versions: ['1.0-2'] }, { id: 'CVE-2099-0002', versions: ['1.0-2'] }], complete: true, uploads: ['1.0-2'] });
  });

  it('reads one-line sources with options, $(ARCH) and --repo mirrors, and the default keyrings', async () => {
    const files = imageFilesOf(
      viewOfFiles({
        'etc/apt/sources.list': `# the image's list\ndeb [arch=$(ARCH)] http://unreachable.invalid/debian bookworm-security main\ndeb-src http://unreachable.invalid/debian bookworm main\n`,
        'etc/apt/trusted.gpg.d/grout.gpg': repo.keyring,
      }),
    );
    const repos = await loadAptRepositories(files, { arch: 'amd64', repos: [repo.url], ...FAST });
    expect(repos.sources.map((s) => [s.uri, s.suite, s.architectures, s.origin])).toEqual([[repo.url, 'bookworm-security', ['amd64'], 'etc/apt/sources.list:2']]);
    expect(repos.releases[0]?.signers).toEqual([repo.fingerprint]);
    // A full --repo line replaces the image's sources; signed-by= there names a file inside the image.
    const line = await loadAptRepositories(files, { arch: 'amd64', repos: [`deb [signed-by=/etc/apt/trusted.gpg.d/grout.gpg] ${repo.url} bookworm main`], ...FAST });
    expect(line.releases.map((r) => r.suite)).toEqual(['bookworm']);
  });

  it('verifies a Release + Release.gpg when there is no InRelease, and accepts an inline Signed-By key block', async () => {
    const inline = `Signed-By:\n${repo.keyringArmored
      .trim()
      .split('\n')
      .map((l) => ` ${l === '' ? '.' : l}`)
      .join('\n')}`;
    const files = imageFor(repo, deb822(repo, 'bookworm-detached', inline));
    const repos = await loadAptRepositories(files, { arch: 'amd64', ...FAST });
    expect(repos.releases[0]?.url).toBe(`${repo.url}/dists/bookworm-detached/Release`);
    expect(repos.releases[0]?.signers).toEqual([repo.fingerprint]);
    expect(repo.requests).toContain('dists/bookworm-detached/Release.gpg');
  });

  it('refuses a tampered InRelease (bad signature), naming the URL', async () => {
    repo.faults.badSignature = true;
    const err = await groutFailure(loadAptRepositories(imageFor(repo, deb822(repo)), { arch: 'amd64', ...FAST }));
    expect(err.code).toBe('E_SIGNATURE');
    expect(err.message).toMatch(new RegExp(`^bad signature on ${escape(repo.url)}/dists/bookworm/InRelease`));
  });

  it('refuses a release signed by a key the image does not trust, and an expired one', async () => {
    const other = imageFor(repo, deb822(repo), { 'usr/share/keyrings/grout-test-archive-keyring.gpg': repo.otherKeyring });
    const unknown = await groutFailure(loadAptRepositories(other, { arch: 'amd64', ...FAST }));
    expect(unknown.code).toBe('E_SIGNATURE');
    expect(unknown.message).toBe(`${repo.url}/dists/bookworm/InRelease is signed by unknown key ${repo.fingerprint.slice(-16)} (1 trusted key)`);
    // --keyring replaces the image's keys.
    const byFlag = await loadAptRepositories(other, { arch: 'amd64', keyrings: [{ name: 'test.gpg', bytes: repo.keyring }], ...FAST });
    expect(byFlag.releases).toHaveLength(2);

    const stale = await groutFailure(loadAptRepositories(imageFor(repo, deb822(repo, 'bookworm-stale')), { arch: 'amd64', ...FAST }));
    expect(stale.code).toBe('E_SIGNATURE');
    expect(stale.message).toBe(`${repo.url}/dists/bookworm-stale/InRelease expired at 2000-01-01T00:00:00.000Z (Valid-Until); a mirror serving it is stale or replaying an old release`);
  });

  it('refuses a missing Signed-By keyring and a trusted=yes --repo', async () => {
    const files = imageFilesOf(viewOfFiles({ 'etc/apt/sources.list.d/grout.sources': deb822(repo) }));
    const missing = await groutFailure(loadAptRepositories(files, { arch: 'amd64', ...FAST }));
    expect(missing.code).toBe('E_SIGNATURE');
    expect(missing.message).toBe('the keyring /usr/share/keyrings/grout-test-archive-keyring.gpg named by Signed-By of etc/apt/sources.list.d/grout.sources#1 is not in the image');
    const trusted = await groutFailure(loadAptRepositories(files, { arch: 'amd64', repos: [`deb [trusted=yes] ${repo.url} bookworm main`], ...FAST }));
    expect(trusted.code).toBe('E_SIGNATURE');
    expect(trusted.message).toMatch(/is marked trusted=yes: its packages could not be checked against a signature$/);
    const allowed = await loadAptRepositories(files, { arch: 'amd64', repos: [`deb [trusted=yes] ${repo.url} bookworm main`], allowUnsigned: true, ...FAST });
    expect(allowed.releases[0]?.signers).toEqual([]);
  });

  it('reuses a verified index from the cache but always fetches and verifies the release file again', async () => {
    const cache = mkdtempSync(join(work, 'index-cache-'));
    const load = () => loadAptRepositories(imageFor(repo, deb822(repo)), { arch: 'amd64', ...FAST, indexCache: cache });
    const first = await load();
    expect(repo.requests.filter((r) => r.includes('binary-amd64'))).toHaveLength(2);
    repo.requests.length = 0;
    const second = await load();
    expect(repo.requests.filter((r) => r.includes('binary-amd64'))).toEqual([]);
    expect(repo.requests.filter((r) => r.endsWith('/InRelease'))).toHaveLength(2);
    expect([...second.index.packages.keys()].sort()).toEqual([...first.index.packages.keys()].sort());
    repo.faults.badSignature = true; // a cached index never stands in for a release file that does not verify
    expect((await groutFailure(load())).code).toBe('E_SIGNATURE');
  });

  it('refuses a Packages index whose bytes do not match the signed release (E_DIGEST_MISMATCH naming the URL)', async () => {
    repo.faults.corruptPackages = true;
    // No index cache: an earlier test's verified copy would (rightly) be used instead of the corrupt download.
    const err = await groutFailure(loadAptRepositories(imageFor(repo, deb822(repo, 'bookworm')), { arch: 'amd64', ...FAST, indexCache: false }));
    expect(err.code).toBe('E_DIGEST_MISMATCH');
    expect(err.message).toMatch(new RegExp(`^${escape(repo.url)}/dists/bookworm/main/binary-amd64/Packages.gz has sha256 [0-9a-f]{64}; the signed index says [0-9a-f]{64}$`));
  });

  it('refuses a .deb whose bytes differ from the index and leaves nothing behind', async () => {
    const repos = await loadAptRepositories(imageFor(repo, deb822(repo)), { arch: 'amd64', ...FAST });
    const plan = resolvePlan({ installed, wanted: [{ name: 'libgrout-demo1', minimum: '1.0-2' }], index: repos.index, arch: 'amd64' });
    const lib = plan.upgrades.find((u) => u.name === 'libgrout-demo1');
    if (lib === undefined) throw new Error('no library upgrade');
    repo.faults.corruptDebs = true;
    const dir = mkdtempSync(join(work, 'deb-'));
    const err = await groutFailure(downloadPlanned(lib, dir, FAST));
    expect(err.code).toBe('E_DIGEST_MISMATCH');
    expect(err.message).toMatch(new RegExp(`^${escape(repo.url)}/pool/updates/main/g/grout-demo/libgrout-demo1_1.0-2_amd64.deb has sha256 `));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says when a package or index is missing, and when there is no candidate', async () => {
    const repos = await loadAptRepositories(imageFor(repo, deb822(repo)), { arch: 'amd64', ...FAST });
    const plan = resolvePlan({ installed, wanted: [{ name: 'libgrout-demo1', minimum: '1.0-3' }], index: repos.index, arch: 'amd64' });
    expect(plan.unfixable).toEqual([{ package: 'libgrout-demo1:amd64', reason: 'no repository offers libgrout-demo1 >= 1.0-3 (the highest offered is 1.0-2; installed 1.0-1)' }]);

    const ok = resolvePlan({ installed, wanted: [{ name: 'libgrout-demo1', minimum: '1.0-2' }], index: repos.index, arch: 'amd64' });
    const lib = ok.upgrades.find((u) => u.name === 'libgrout-demo1');
    if (lib === undefined) throw new Error('no library upgrade');
    repo.faults.missing.add(lib.filename);
    const err = await groutFailure(downloadPlanned(lib, work, FAST));
    expect(err.code).toBe('E_NETWORK');
    expect(err.message).toBe(`cannot download ${repo.url}/${lib.filename}: not found (HTTP 404)`);

    repo.faults.missing.add('dists/bookworm/InRelease');
    repo.faults.missing.add('dists/bookworm/Release');
    const noRelease = await groutFailure(loadAptRepositories(imageFor(repo, deb822(repo, 'bookworm')), { arch: 'amd64', ...FAST }));
    expect(noRelease.code).toBe('E_NETWORK');
    expect(noRelease.message).toBe(`the repository has no ${repo.url}/dists/bookworm/InRelease and no Release file (from etc/apt/sources.list.d/grout.sources#1)`);
  });

  it('fails clearly when the repository is down', async () => {
    await repo.setDown(true);
    // One retry: a pooled keep-alive connection may fail first with "other side closed"; the retry is refused.
    const err = await groutFailure(loadAptRepositories(imageFor(repo, deb822(repo)), { arch: 'amd64', ...FAST, retries: 1, retryDelayMs: 10 }));
    expect(err.code).toBe('E_NETWORK');
    expect(err.message).toMatch(new RegExp(`^cannot download ${escape(repo.url)}/dists/bookworm/InRelease: .*ECONNREFUSED.* \\(after 2 attempts\\)$`));
  });

  it('fetches release and index step by step with the keys of a source', async () => {
    const files = imageFor(repo, '');
    const source: AptSource = { origin: 'test', uri: repo.url, suite: 'bookworm-security', components: ['main', 'contrib'], trusted: false, checkValidUntil: true, signedBy: { files: ['/usr/share/keyrings/grout-test-archive-keyring.gpg'], fingerprints: [], armored: [] } };
    const keys = await new KeyringLoader(files).keysFor(source);
    const release = await fetchRelease(source, keys, { ...FAST });
    expect(release).toMatchObject({ suite: 'bookworm-security', codename: 'bookworm-security', architectures: ['amd64'], components: ['main'], date: new Date('2024-01-01T00:00:00Z') });
    const index = await fetchPackagesIndex(release, 'amd64', FAST);
    expect(index.issues).toEqual([{ where: `${repo.url}/dists/bookworm-security/InRelease`, reason: 'lists no contrib/binary-amd64/Packages(.xz|.gz): the repository has no contrib for amd64' }]);
    expect([...index.packages.keys()].sort()).toEqual(['grout-demo-bin', 'grout-demo-tool', 'libgrout-demo-dev', 'libgrout-demo1', 'libgrout-extra1']);
    expect(existsSync(repo.root)).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
