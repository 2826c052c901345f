import { describe, expect, it } from 'vitest';
import { parsePackages, toRepoPackage, mergeIndexes, type PackagesIndex } from './packages-index.js';
import { installedDebFromFields } from './installed-deb.js';
import { resolvePlan, type InstalledDeb } from './resolve.js';

const HASH = 'a'.repeat(64);

/** An index from hand-written Packages stanzas (Filename/Size/SHA256 filled in when left out). */
async function indexOf(text: string, repo = 'http://repo.test/debian bookworm-security/main'): Promise<PackagesIndex> {
  const index: PackagesIndex = { packages: new Map(), issues: [] };
  const stanzas = text
    .trim()
    .split(/\n\s*\n/)
    .map((s) => {
      const lines = s.split('\n').map((l) => l.trim());
      const name = /Package: (\S+)/.exec(s)?.[1] ?? 'x';
      if (!lines.some((l) => l.startsWith('Filename:'))) lines.push(`Filename: pool/main/${name}.deb`, 'Size: 100', `SHA256: ${HASH}`);
      return lines.join('\n');
    });
  await parsePackages([stanzas.join('\n\n')], 'test', (stanza) => {
    const pkg = toRepoPackage(stanza, repo.split(' ')[0] ?? '', repo);
    if (typeof pkg === 'string') throw new Error(pkg);
    index.packages.set(pkg.name, [...(index.packages.get(pkg.name) ?? []), pkg]);
  });
  return index;
}

const deb = (name: string, version: string, extra: Partial<InstalledDeb> = {}): InstalledDeb => ({ name, arch: 'amd64', version, ...extra });

describe('resolvePlan', () => {
  it('upgrades every binary of a source to the highest candidate and keeps the pinned siblings together', async () => {
    const index = await indexOf(`
      Package: libgrout1
      Version: 1.0-3
      Architecture: amd64
      Source: grout
      Multi-Arch: same

      Package: libgrout1
      Version: 1.0-2
      Architecture: amd64
      Source: grout

      Package: grout-bin
      Version: 1.0-3
      Architecture: amd64
      Source: grout
      Depends: libgrout1 (>= 1.0-3), libc6 (>= 2.36)

      Package: grout-doc
      Version: 1.0-3
      Architecture: all
      Source: grout
    `);
    const installed = [
      deb('libgrout1', '1.0-1', { source: 'grout', sourceVersion: '1.0-1', multiArch: 'same' }),
      deb('grout-bin', '1.0-1', { source: 'grout', depends: 'libgrout1 (>= 1.0-1), libc6 (>= 2.36)' }),
      deb('grout-doc', '1.0-1', { source: 'grout', arch: 'all' }),
      deb('libc6', '2.36-9'),
    ];
    const plan = resolvePlan({ installed, wanted: [{ name: 'grout', minimum: '1.0-2', by: 'source' }], index, arch: 'amd64' });
    expect(plan.unfixable).toEqual([]);
    expect(plan.newPackages).toEqual([]);
    expect(plan.upgrades.map((u) => [u.name, u.arch, u.from, u.to, u.source])).toEqual([
      ['grout-bin', 'amd64', '1.0-1', '1.0-3', 'grout'],
      ['grout-doc', 'all', '1.0-1', '1.0-3', 'grout'],
      ['libgrout1', 'amd64', '1.0-1', '1.0-3', 'grout'],
    ]);
    const lib = plan.upgrades.find((u) => u.name === 'libgrout1');
    expect(lib).toMatchObject({ filename: 'pool/main/libgrout1.deb', sha256: HASH, size: 100, repo: 'http://repo.test/debian bookworm-security/main', archive: 'http://repo.test/debian' });
  });

  it('upgrades an installed package whose Depends pins the upgraded one with (= version)', async () => {
    const index = await indexOf(`
      Package: libfoo1
      Version: 2.0-2
      Architecture: amd64
      Source: foo

      Package: libfoo-dev
      Version: 2.0-2
      Architecture: amd64
      Source: foo
      Depends: libfoo1 (= 2.0-2)
    `);
    const installed = [deb('libfoo1', '2.0-1', { source: 'foo' }), deb('libfoo-dev', '2.0-1', { source: 'foo', depends: 'libfoo1 (= 2.0-1)' })];
    const plan = resolvePlan({ installed, wanted: [{ name: 'libfoo1', minimum: '2.0-2' }], index, arch: 'amd64' });
    expect(plan.unfixable).toEqual([]);
    expect(plan.upgrades.map((u) => `${u.name} ${u.to} ${u.reason}`)).toEqual(['libfoo-dev 2.0-2 upgraded with its dependencies', 'libfoo1 2.0-2 fixes libfoo1 (>= 2.0-2)']);
  });

  it('pulls in a new dependency, a newer dependency, a provider of a virtual package and keeps satisfied alternatives', async () => {
    const index = await indexOf(`
      Package: app
      Version: 2.0-1
      Architecture: amd64
      Depends: libnew2 (>= 2.1), libold (>= 1.5), mail-agent, libbar2 | libbar1, python3:any (>= 3.11)
      Pre-Depends: libz (>= 1:1.2)

      Package: libnew2
      Version: 2.0-1
      Architecture: amd64

      Package: libnew2
      Version: 2.1-1
      Architecture: amd64

      Package: libold
      Version: 1.6-1
      Architecture: amd64

      Package: postfix-lite
      Version: 3.0-1
      Architecture: amd64
      Provides: mail-agent
    `);
    const installed = [
      deb('app', '1.0-1'),
      deb('libold', '1.0-1'),
      deb('libbar1', '1.0-1'),
      deb('python3', '3.11.2-1', { arch: 'arm64', multiArch: 'allowed' }),
      deb('zlib1g', '1:1.2.13', { provides: 'libz (= 1:1.2.13)' }),
    ];
    const plan = resolvePlan({ installed, wanted: [{ name: 'app', minimum: '2.0' }], index, arch: 'amd64' });
    expect(plan.unfixable).toEqual([]);
    expect(plan.upgrades.map((u) => `${u.name} ${u.from}→${u.to}`)).toEqual(['app 1.0-1→2.0-1', 'libold 1.0-1→1.6-1']);
    expect(plan.newPackages.map((u) => `${u.name} ${u.to} (${u.reason})`)).toEqual(['libnew2 2.1-1 (needed by app)', 'postfix-lite 3.0-1 (needed by app)']);
  });

  it('lists a package as unfixable, with the highest version offered, when no candidate reaches the fixed version', async () => {
    const index = await indexOf(`
      Package: openssl
      Version: 3.0.15-1~deb12u1
      Architecture: amd64
    `);
    const plan = resolvePlan({ installed: [deb('openssl', '3.0.11-1~deb12u2')], wanted: [{ name: 'openssl', minimum: '3.0.17-1~deb12u2' }], index, arch: 'amd64' });
    expect(plan.upgrades).toEqual([]);
    expect(plan.unfixable).toEqual([{ package: 'openssl:amd64', reason: 'no repository offers openssl >= 3.0.17-1~deb12u2 (the highest offered is 3.0.15-1~deb12u1; installed 3.0.11-1~deb12u2)' }]);
  });

  it('rolls the whole fix back when a dependency cannot be satisfied, and keeps other fixes', async () => {
    const index = await indexOf(`
      Package: broken
      Version: 2.0
      Architecture: amd64
      Depends: libmissing (>= 9)

      Package: fine
      Version: 2.0
      Architecture: amd64
    `);
    const plan = resolvePlan({
      installed: [deb('broken', '1.0'), deb('fine', '1.0')],
      wanted: [
        { name: 'broken', minimum: '2.0' },
        { name: 'fine', minimum: '2.0' },
      ],
      index,
      arch: 'amd64',
    });
    expect(plan.upgrades.map((u) => u.name)).toEqual(['fine']);
    expect(plan.unfixable).toEqual([{ package: 'broken', reason: 'broken 2.0 needs libmissing (>= 9), which neither the image nor any repository provides' }]);
  });

  it('upgrades a package the new version Breaks, or refuses when none fits', async () => {
    const index = await indexOf(`
      Package: libcore
      Version: 2.0
      Architecture: amd64
      Breaks: plugin (<< 2.0), legacy (<< 9)

      Package: plugin
      Version: 2.0
      Architecture: amd64
    `);
    const ok = resolvePlan({ installed: [deb('libcore', '1.0'), deb('plugin', '1.0')], wanted: [{ name: 'libcore', minimum: '2.0' }], index, arch: 'amd64' });
    expect(ok.upgrades.map((u) => `${u.name} ${u.to}`)).toEqual(['libcore 2.0', 'plugin 2.0']);
    const refused = resolvePlan({ installed: [deb('libcore', '1.0'), deb('legacy', '1.0')], wanted: [{ name: 'libcore', minimum: '2.0' }], index, arch: 'amd64' });
    expect(refused.upgrades).toEqual([]);
    expect(refused.unfixable[0]?.reason).toBe('libcore 2.0 breaks legacy 1.0 (legacy (<< 9)) and no repository has a version of legacy it accepts');
  });

  it('ignores other architectures, reports already-fixed packages and leaves pre-existing unmet dependencies alone', async () => {
    const index = await indexOf(`
      Package: tool
      Version: 2.0
      Architecture: arm64

      Package: tool
      Version: 1.5
      Architecture: amd64
      Depends: libgone
    `);
    const installed = [deb('tool', '1.0', { depends: 'libgone' }), deb('done', '5.0', { source: 'donesrc', sourceVersion: '5.0' })];
    const plan = resolvePlan({
      installed,
      wanted: [
        { name: 'tool', minimum: '1.5' },
        { name: 'donesrc', minimum: '4.0' },
      ],
      index,
      arch: 'amd64',
    });
    expect(plan.alreadyFixed).toEqual([{ package: 'done:amd64', version: '5.0' }]);
    // tool 1.5 needs libgone, which the image already lacks: not the plan's to fix, and not a reason to refuse…
    // …but the new version's own dependency must hold, so it is refused.
    expect(plan.unfixable).toEqual([{ package: 'tool', reason: 'tool 1.5 needs libgone, which neither the image nor any repository provides' }]);
    const arm = resolvePlan({ installed: [deb('tool', '1.0', { arch: 'arm64' })], wanted: [{ name: 'tool', minimum: '2.0' }], index, arch: 'arm64' });
    expect(arm.upgrades.map((u) => `${u.name}:${u.arch} ${u.to}`)).toEqual(['tool:arm64 2.0']);
  });

  it('does not block on an installed package whose dependency was already unmet', async () => {
    const index = await indexOf(`
      Package: liba
      Version: 2.0
      Architecture: amd64
    `);
    const installed = [deb('liba', '1.0'), deb('user', '1.0', { depends: 'liba (>= 1.0), ghost' })];
    const plan = resolvePlan({ installed, wanted: [{ name: 'liba', minimum: '2.0' }], index, arch: 'amd64' });
    expect(plan.unfixable).toEqual([]);
    expect(plan.upgrades.map((u) => u.name)).toEqual(['liba']);
  });

  it('picks the highest version across repositories and moves Multi-Arch: same twins together', async () => {
    const main = await indexOf(
      `
      Package: libm
      Version: 1.1
      Architecture: amd64
      Multi-Arch: same

      Package: libm
      Version: 1.1
      Architecture: i386
      Multi-Arch: same
    `,
      'http://repo.test/debian bookworm/main',
    );
    const security = await indexOf(
      `
      Package: libm
      Version: 1.2
      Architecture: amd64
      Multi-Arch: same

      Package: libm
      Version: 1.2
      Architecture: i386
      Multi-Arch: same
    `,
    );
    const index = mergeIndexes([main, security]);
    const installed = [deb('libm', '1.0', { multiArch: 'same' }), deb('libm', '1.0', { arch: 'i386', multiArch: 'same' }), deb('app', '1', { depends: 'libm (>= 1.0)' })];
    const plan = resolvePlan({ installed, wanted: [{ name: 'libm', minimum: '1.1' }], index, arch: 'amd64' });
    expect(plan.upgrades.map((u) => `${u.name}:${u.arch} ${u.to} ${u.repo}`)).toEqual([
      'libm:amd64 1.2 http://repo.test/debian bookworm-security/main',
      'libm:i386 1.2 http://repo.test/debian bookworm-security/main',
    ]);
  });

  it('refuses candidates with unreadable relationships and invalid fixed versions', async () => {
    const index = await indexOf(`
      Package: odd
      Version: 2.0
      Architecture: amd64
      Depends: (((
    `);
    const plan = resolvePlan({
      installed: [deb('odd', '1.0')],
      wanted: [
        { name: 'odd', minimum: '2.0' },
        { name: 'odd', minimum: 'not a version' },
        { name: 'absent', minimum: '1' },
      ],
      index,
      arch: 'amd64',
    });
    expect(plan.upgrades).toEqual([]);
    expect(plan.unfixable.map((u) => u.reason)).toEqual([
      'no installed binary package built from source absent',
      'odd 2.0 from http://repo.test/debian bookworm-security/main: cannot read the relationship "((("',
      'the fixed version "not a version" is not a Debian version',
    ]);
  });
});

describe('installed packages for the resolver', () => {
  it('reads a status paragraph, skipping packages that are not installed', () => {
    const para = (f: Record<string, string>) => (name: string) => f[name];
    expect(installedDebFromFields(para({ Package: 'libssl3', Status: 'install ok installed', Version: '3.0.11-1~deb12u2', Architecture: 'amd64', 'Multi-Arch': 'same', Source: 'openssl (3.0.11-1~deb12u2)', Depends: 'libc6 (>= 2.34)', Breaks: 'x (<< 1)' }))).toEqual({
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      arch: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u2',
      multiArch: 'same',
      depends: 'libc6 (>= 2.34)',
      breaks: 'x (<< 1)',
    });
    expect(installedDebFromFields(para({ Package: 'gone', Status: 'deinstall ok config-files', Version: '1', Architecture: 'amd64' }))).toBeUndefined();
    expect(installedDebFromFields(para({ Package: 'distroless', Version: '1', Architecture: 'all' }))).toMatchObject({ source: 'distroless', sourceVersion: '1', multiArch: 'no' });
  });
});
