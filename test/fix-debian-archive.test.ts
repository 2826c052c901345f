import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixImage, type FixResult } from '../src/fix/fix-image.js';
import { importDatabase } from '../src/vulndb/index.js';
import { debianMainOnlyImage, machineArchiveUrls, MAIN_ONLY_TAG, type DebianMainOnlyImage } from './images/debian-main-only-image.js';
import { vulndata } from './shared-data.js';

/**
 * `grout fix` against the real Debian archive (issue 6, part 6): an image built from bookworm's main suite only,
 * whose own sources list bookworm-security, patched from the security suite through the machine's configured
 * mirror. The expected upgrades come from the security suite's Packages index, read here independently of grout;
 * the patched rootfs must satisfy dpkg itself (part 5). Skips, saying why, when the archive is unreachable.
 */
async function archiveProblem(): Promise<string | undefined> {
  const archive = machineArchiveUrls();
  if (archive === undefined) return "the machine's apt configuration lists no bookworm and bookworm-security sources";
  try {
    const res = await fetch(`${archive.security}/dists/bookworm-security/InRelease`, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return res.ok ? undefined : `the security archive answered ${res.status}`;
  } catch (err) {
    return `the Debian archive is unreachable (${(err as Error).message})`;
  }
}

const problem = await archiveProblem();
if (problem !== undefined) console.warn(`skipping grout fix against the real Debian archive: ${problem}`);

function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      h.update(`${p.slice(dir.length)}\n`);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const newer = (a: string, b: string): boolean => {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'gt', b], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The security suite's own index: package → highest version, for amd64 and all. */
function securityIndex(security: string, work: string): Map<string, string> {
  const xz = join(work, 'Packages.xz');
  execFileSync('curl', ['-fsS', '--max-time', '60', '-o', xz, `${security}/dists/bookworm-security/main/binary-amd64/Packages.xz`]);
  const text = execFileSync('xz', ['-dc', xz], { maxBuffer: 1 << 28 }).toString('utf8');
  const versions = new Map<string, string>();
  for (const stanza of text.split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name === undefined || version === undefined) continue;
    const seen = versions.get(name);
    if (seen === undefined || newer(version, seen)) versions.set(name, version);
  }
  return versions;
}

describe.skipIf(problem !== undefined)('grout fix against the real Debian archive: bookworm main-only image, patched from bookworm-security', () => {
  let image: DebianMainOnlyImage;
  let work: string;
  let db: string;
  let expected: Map<string, string>;
  let result: FixResult;
  let inputHash: string;
  let rootfs: string;
  const out = () => join(work, 'patched');

  beforeAll(async () => {
    image = await debianMainOnlyImage();
    work = mkdtempSync(join(tmpdir(), 'grout-fix-debian-'));
    db = join(work, 'grout.db');
    await importDatabase(db, [vulndata()]);
    const security = securityIndex(image.archive.security, work);
    expected = new Map();
    for (const line of image.installed) {
      const [name = '', version = ''] = line.split('\t');
      const candidate = security.get(name);
      if (candidate !== undefined && newer(candidate, version)) expected.set(name, candidate);
    }
    inputHash = hashTree(image.ociLayout);
    result = await fixImage(`oci:${image.ociLayout}:${MAIN_ONLY_TAG}`, { dbPath: db, out: `oci:${out()}:patched` });
    const bundle = join(work, 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${out()}:patched`, bundle], { stdio: ['ignore', 'ignore', 'pipe'] });
    rootfs = join(bundle, 'rootfs');
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('plans exactly what bookworm-security has newer, as security updates, with the CVEs the changelogs name', () => {
    // Today: apt, pam, perl, tzdata… — the test reads the index itself, so it follows the archive.
    expect(expected.size).toBeGreaterThan(0);
    expect(Object.fromEntries(result.resolved.upgrades.map((p) => [p.name, p.to]))).toEqual(Object.fromEntries(expected));
    expect(result.resolved.unfixable).toEqual([]);
    for (const p of result.resolved.upgrades) expect(p.reason).toContain('security update in bookworm-security');
    expect(result.securityUpdates.map((u) => u.suite)).toEqual(result.securityUpdates.map(() => 'bookworm-security'));
    const named = result.changelogFixes.filter((c) => c.cves.length > 0);
    expect(named.length).toBeGreaterThan(0);
    for (const c of named) for (const id of c.cves) expect(id).toMatch(/^CVE-\d{4}-\d{4,}$/);
    expect(result.notTaken).toEqual([]);
  });

  it('writes one patch layer whose dpkg database shows the security versions, and dpkg finds the system sound', () => {
    const admindir = join(rootfs, 'var/lib/dpkg');
    const shown = execFileSync('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', '${Package}\t${Version}\n', ...expected.keys()], { encoding: 'utf8' });
    expect(Object.fromEntries(shown.trim().split('\n').map((l) => l.split('\t')))).toEqual(Object.fromEntries(expected));
    expect(execFileSync('dpkg', [`--admindir=${admindir}`, '--audit'], { encoding: 'utf8' })).toBe('');
    // --verify compares every file with the package's md5sums (which the patch layer rewrote for the new versions).
    for (const name of expected.keys()) expect(readdirSync(join(admindir, 'info')).some((f) => f.startsWith(`${name}.`) || f.startsWith(`${name}:`))).toBe(true);
    expect(execFileSync('dpkg', ['--root', rootfs, '--verify', ...expected.keys()], { encoding: 'utf8' })).toBe('');
    expect(result.written?.layerCount).toBe(2);
    expect(hashTree(image.ociLayout)).toBe(inputHash);
  });

  it('--dry-run lists the same upgrades with their changelog CVEs, downloading only what it reads, and writes nothing', async () => {
    const dry = join(work, 'dry');
    const plan = await fixImage(`oci:${image.ociLayout}:${MAIN_ONLY_TAG}`, { dbPath: db, dryRun: true, out: `oci:${dry}:x` });
    expect(plan.resolved.upgrades.map((p) => `${p.name} ${p.to}`)).toEqual(result.resolved.upgrades.map((p) => `${p.name} ${p.to}`));
    const bySource = new Map(result.changelogFixes.map((c) => [c.source, c.cves]));
    expect(plan.changelogFixes.length).toBeGreaterThan(0);
    for (const c of plan.changelogFixes) expect(c.cves).toEqual(bySource.get(c.source));
    expect(() => statSync(dry)).toThrow();
    // Advisory-driven only: the shared data has no bookworm advisory, so nothing is planned.
    const advisoryOnly = await fixImage(`oci:${image.ociLayout}:${MAIN_ONLY_TAG}`, { dbPath: db, dryRun: true, securityUpdates: false });
    expect(advisoryOnly.resolved.upgrades).toEqual([]);
  }, 120_000);
});
