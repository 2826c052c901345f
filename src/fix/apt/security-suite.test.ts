import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptToolsAvailable, startAptRepo, type AptRepo } from '../../../test/apt-repo/apt-repo.js';
import { viewOfFiles } from '../../../test/memory-view.js';
import { changelogFixesPerSource } from '../changelog-fixes.js';
import type { WantedPlan } from '../plan.js';
import { combinePlan } from '../security-plan.js';
import { downloadPlanned, loadAptRepositories } from './repositories.js';
import { resolvePlan, type InstalledDeb } from './resolve.js';
import { isSecurityRelease, securityUpdates } from './security-suite.js';
import { imageFilesOf, type ImageFiles } from './sources.js';

const FAST = { retries: 0, timeoutMs: 10_000 };

describe('isSecurityRelease', () => {
  const release = (fields: { suite?: string; codename?: string; label?: string }, sourceSuite = 'x') => ({ ...fields, source: { suite: sourceSuite } });
  it.each([
    ['Debian: Suite oldstable-security, Codename bookworm-security, Label Debian-Security', release({ suite: 'oldstable-security', codename: 'bookworm-security', label: 'Debian-Security' }), true],
    ['Ubuntu: the jammy-security pocket', release({ suite: 'jammy-security', codename: 'jammy', label: 'Ubuntu' }), true],
    ['a mirror that keeps only the label', release({ suite: 'updates', label: 'Debian-Security' }), true],
    ['asked for as bookworm-security by the sources line', release({}, 'bookworm-security'), true],
    ['the main suite', release({ suite: 'oldstable', codename: 'bookworm', label: 'Debian' }, 'bookworm'), false],
    ['bookworm-updates', release({ suite: 'oldstable-updates', codename: 'bookworm-updates', label: 'Debian' }, 'bookworm-updates'), false],
    ['a suite that merely contains the word', release({ suite: 'security-tools', codename: 'securityish', label: 'Acme' }, 'security-tools'), false],
  ])('%s', (_name, r, expected) => {
    expect(isSecurityRelease(r)).toBe(expected);
  });
});

/** What is installed: two binaries of grout-demo 1.0-1, grout-demo-tool 1.0-1, and a package no repository has. */
const installed: InstalledDeb[] = [
  { name: 'libgrout-demo1', arch: 'amd64', version: '1.0-1', source: 'grout-demo', sourceVersion: '1.0-1', multiArch: 'same' },
  { name: 'libgrout-demo-dev', arch: 'amd64', version: '1.0-1', source: 'grout-demo', sourceVersion: '1.0-1', depends: 'libgrout-demo1 (= 1.0-1)' },
  { name: 'grout-demo-tool', arch: 'amd64', version: '1.0-1', source: 'grout-demo-tool', sourceVersion: '1.0-1' },
  { name: 'base-files', arch: 'amd64', version: '12.4', source: 'base-files', sourceVersion: '12.4' },
];

const noAdvisories: WantedPlan = { upgrades: [], notFixable: [] };

describe.skipIf(!aptToolsAvailable())('security-suite updates against the signed test repository', () => {
  let repo: AptRepo;
  let work: string;
  beforeAll(async () => {
    repo = await startAptRepo();
    work = mkdtempSync(join(tmpdir(), 'grout-security-suite-'));
  });
  afterAll(async () => {
    await repo?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const imageFor = (suites: string): ImageFiles =>
    imageFilesOf(
      viewOfFiles({
        'etc/apt/sources.list.d/grout.sources': `Types: deb\nURIs: ${repo.url}\nSuites: ${suites}\nComponents: main\nSigned-By: /usr/share/keyrings/grout.gpg\n`,
        'usr/share/keyrings/grout.gpg': repo.keyring,
      }),
    );

  it('finds what bookworm-security has newer, grouped by source, and plans it with no advisory at all', async () => {
    const repos = await loadAptRepositories(imageFor('bookworm bookworm-security'), { arch: 'amd64', ...FAST });
    expect(repos.releaseIndexes.map((r) => [r.release.suite, isSecurityRelease(r.release)])).toEqual([
      ['bookworm', false],
      ['bookworm-security', true],
    ]);
    const updates = securityUpdates(installed, repos.releaseIndexes, 'amd64');
    expect(updates).toEqual([
      { name: 'grout-demo', by: 'source', installed: '1.0-1', candidate: '1.0-2', suite: 'bookworm-security', binaries: ['libgrout-demo-dev:amd64', 'libgrout-demo1:amd64'] },
      { name: 'grout-demo-tool', by: 'source', installed: '1.0-1', candidate: '1.1-1', suite: 'bookworm-security', binaries: ['grout-demo-tool:amd64'] },
    ]);
    const combined = combinePlan(noAdvisories, updates, { includeUnadvised: true });
    expect(combined.securityUpdates.map((u) => [u.name, u.advisories])).toEqual([
      ['grout-demo', []],
      ['grout-demo-tool', []],
    ]);
    const plan = resolvePlan({ installed, wanted: combined.fixes, index: repos.index, arch: 'amd64' });
    expect(plan.upgrades.map((p) => `${p.name} ${p.from} → ${p.to} (${p.reason})`)).toEqual([
      'grout-demo-tool 1.0-1 → 1.1-1 (security update in bookworm-security)',
      'libgrout-demo-dev 1.0-1 → 1.0-2 (security update in bookworm-security)',
      'libgrout-demo1 1.0-1 → 1.0-2 (security update in bookworm-security)',
    ]);
    expect(plan.newPackages.map((p) => `${p.name} ${p.to}`)).toEqual(['libgrout-extra1 0.5-1']);
    expect(plan.unfixable).toEqual([]);

    // The changelog of one binary per source, downloaded and verified, names the CVEs (no advisory needed).
    const changelogs = await changelogFixesPerSource(plan.upgrades, (p) => downloadPlanned(p, work, FAST));
    expect(changelogs.map((c) => [c.source, c.package, c.cves, c.complete])).toEqual([
      ['grout-demo', expect.stringMatching(/^libgrout-demo/), ['CVE-2099-0001', 'CVE-2099-0002'], true],
      ['grout-demo-tool', 'grout-demo-tool', [], false],
    ]);
  });

  it('joins an advisory-driven fix for the same source, and leaves unadvised updates out when asked (--severity)', async () => {
    const repos = await loadAptRepositories(imageFor('bookworm bookworm-security'), { arch: 'amd64', ...FAST });
    const updates = securityUpdates(installed, repos.releaseIndexes, 'amd64');
    const advised: WantedPlan = {
      upgrades: [{ source: 'grout-demo', installed: '1.0-1', minimum: '1.0-2', binaries: [], fixes: [{ id: 'CVE-2099-0001', target: '1.0-2' }] }],
      notFixable: [],
    };
    const combined = combinePlan(advised, updates, { includeUnadvised: false });
    expect(combined.fixes).toEqual([{ name: 'grout-demo', minimum: '1.0-2', by: 'source', reason: 'fixes CVE-2099-0001; security update in bookworm-security' }]);
    expect(combined.securityUpdates.map((u) => [u.name, u.advisories])).toEqual([['grout-demo', ['CVE-2099-0001']]]);
    expect(combined.leftOut.map((u) => u.name)).toEqual(['grout-demo-tool']);
    const plan = resolvePlan({ installed, wanted: combined.fixes, index: repos.index, arch: 'amd64' });
    expect(plan.upgrades.map((p) => p.name)).toEqual(['libgrout-demo-dev', 'libgrout-demo1']);
  });

  it('tells a security suite by its Label, and finds nothing in the main suite alone', async () => {
    const labelled = await loadAptRepositories(imageFor('bookworm bookworm-labelled'), { arch: 'amd64', ...FAST });
    expect(securityUpdates(installed, labelled.releaseIndexes, 'amd64').map((u) => `${u.name} ${u.candidate} ${u.suite}`)).toEqual([
      'grout-demo 1.0-2 bookworm-labelled',
      'grout-demo-tool 1.1-1 bookworm-labelled',
    ]);
    const mainOnly = await loadAptRepositories(imageFor('bookworm'), { arch: 'amd64', ...FAST });
    expect(securityUpdates(installed, mainOnly.releaseIndexes, 'amd64')).toEqual([]);
  });

  it('ignores versions the security suite has that are not newer than installed', async () => {
    const repos = await loadAptRepositories(imageFor('bookworm-security'), { arch: 'amd64', ...FAST });
    const newer: InstalledDeb[] = [{ name: 'libgrout-demo1', arch: 'amd64', version: '1.0-3', source: 'grout-demo', sourceVersion: '1.0-3' }];
    expect(securityUpdates(newer, repos.releaseIndexes, 'amd64')).toEqual([]);
  });
});
