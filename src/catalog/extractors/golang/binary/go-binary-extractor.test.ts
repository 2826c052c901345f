/**
 * The reference check: a Go program built here with the local toolchain (default, stripped with -s -w, PIE,
 * static, and with its section headers removed) must give exactly the modules and toolchain `go version -m`
 * prints for the same binary.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { tempDir, writeOciLayout, type EntrySpec } from '../../../../../test/fixtures/image-builder.js';
import { inventory } from '../../../../scan/index.js';
import { elfSummary } from '../../../elf/index.js';
import { EXECUTABLE_HEAD_BYTES } from '../../../executables.js';
import { goBinaryExtractor } from './index.js';
import { buildGoProgram, goAvailable, goVersionM, type GoBuildVariant } from './testdata/build-go-program.js';

async function extract(path: string, bytes: Buffer, mode = 0o755) {
  const issues: { path: string; reason: string }[] = [];
  const packages = await goBinaryExtractor.extractFile({ path, bytes, mode }, { issue: (p, reason) => issues.push({ path: p, reason }) });
  return { packages, issues };
}

/** What `go version -m` says, in the extractor's terms. */
function expectedPackages(binary: string, evidence: string): ExtractedPackage[] {
  const { toolchain, modules } = goVersionM(binary);
  const out: ExtractedPackage[] = modules.map((m) => {
    const metadata: ExtractedPackage['metadata'] & object = { kind: 'language', origin: 'installed', goToolchain: toolchain };
    if (m.kind === 'mod') metadata.mainModule = true;
    if (m.replace) metadata.replacedBy = m.replace.path;
    const sum = m.replace ? m.replace.sum : m.sum;
    if (sum) metadata.integrity = sum;
    return { ecosystem: 'golang', name: m.path, version: m.replace?.version || m.version, licenses: [], evidence, metadata };
  });
  const semver = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(toolchain)!;
  out.push({
    ecosystem: 'golang',
    name: 'stdlib',
    version: `v${semver[1]}.${semver[2]}.${semver[3] ?? 0}`,
    licenses: [],
    evidence,
    metadata: { kind: 'language', origin: 'installed', goToolchain: toolchain },
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The same binary without section headers (as `sstrip` leaves it): e_shoff, e_shnum and e_shstrndx zeroed. */
function withoutSectionHeaders(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeBigUInt64LE(0n, 40);
  copy.writeUInt16LE(0, 60);
  copy.writeUInt16LE(0, 62);
  return copy;
}

describe.skipIf(!goAvailable())('golang/binary against go version -m', () => {
  const variants: GoBuildVariant[] = ['default', 'stripped', 'pie', 'static'];
  let binaries: Record<GoBuildVariant, string>;
  beforeAll(() => {
    binaries = buildGoProgram(variants);
  }, 600_000);

  it.each(variants)('%s build', async (variant) => {
    const binary = binaries[variant];
    const bytes = readFileSync(binary);
    const { packages, issues } = await extract('usr/local/bin/app', bytes);
    expect(issues).toEqual([]);
    expect(packages).toEqual(expectedPackages(binary, 'usr/local/bin/app'));
    if (variant === 'pie') expect(elfSummary(bytes)?.type).toBe('executable');
  });

  it('covers a main module, a local replace, a versioned replace, a plain dependency and the toolchain', async () => {
    const { packages } = await extract('app', readFileSync(binaries.default));
    const brief = packages.map((p) => {
      const m = p.metadata?.kind === 'language' ? p.metadata : undefined;
      return `${p.name}@${p.version}${m?.mainModule ? ' main' : ''}${m?.replacedBy ? ` => ${m.replacedBy}` : ''}`;
    });
    expect(brief).toEqual([
      'example.com/app@(devel) main',
      'example.com/lib@(devel) => ../lib',
      'example.net/renamed@v0.2.0 => example.org/other',
      'example.org/greet@v1.4.0',
      expect.stringMatching(/^stdlib@v1\.\d+\.\d+$/),
    ]);
    expect(packages.find((p) => p.name === 'stdlib')?.metadata).toMatchObject({ goToolchain: expect.stringMatching(/^go1\./) });
  });

  it('finds the build info by scanning the data segment when the section headers are gone', async () => {
    for (const variant of ['default', 'pie'] as const) {
      const bytes = withoutSectionHeaders(readFileSync(binaries[variant]));
      const { packages, issues } = await extract('app', bytes);
      expect(issues).toEqual([]);
      expect(packages).toEqual(expectedPackages(binaries[variant], 'app'));
    }
  });

  it('every Go binary installed on this machine (built by other toolchains and projects) agrees too', async () => {
    let checked = 0;
    for (const dir of ['/usr/bin', '/usr/local/bin']) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(dir, name);
        const st = statSync(path, { throwIfNoEntry: false });
        if (!st?.isFile() || !goBinaryExtractor.wants(path, { mode: st.mode, size: st.size }) || st.size > goBinaryExtractor.maxFileBytes) continue;
        const { packages, issues } = await extract(name, readFileSync(path));
        if (packages.length === 0) continue;
        checked++;
        expect({ path, issues }).toEqual({ path, issues: [] });
        const expected = expectedPackages(path, name).map((p) => `${p.name}@${p.version}`);
        expect({ path, packages: packages.map((p) => `${p.name}@${p.version}`) }).toEqual({ path, packages: expected });
      }
    }
    // /usr/bin/go (Debian's golang-go) is always one of them.
    expect(checked).toBeGreaterThan(0);
  }, 120_000);

  it('gives the same packages when the binaries are read from an image layer, screened in chunks (all over 1 MB)', async () => {
    const files: [string, Buffer][] = variants.map((variant) => [`usr/local/bin/app-${variant}`, readFileSync(binaries[variant])]);
    files.push(['usr/local/bin/app-sstripped', withoutSectionHeaders(readFileSync(binaries.default))]);
    for (const [path, content] of files) expect(content.length, path).toBeGreaterThan(EXECUTABLE_HEAD_BYTES);
    const entries: EntrySpec[] = files.map(([path, content]) => ({ path, content, mode: 0o755 }));
    const dir = join(tempDir(), 'layout');
    try {
      await writeOciLayout(dir, [{ tag: 't', layers: [{ entries }] }]);
      const inv = await inventory(`oci:${dir}:t`, { extractors: [goBinaryExtractor], cache: false });
      for (const variant of variants) {
        const path = `usr/local/bin/app-${variant}`;
        const found = inv.packages.filter((p) => p.locations.some((l) => l.path === path)).map((p) => `${p.name}@${p.version}`);
        expect(found.sort(), path).toEqual(expectedPackages(binaries[variant], path).map((p) => `${p.name}@${p.version}`).sort());
      }
      expect(inv.packages.some((p) => p.locations.some((l) => l.path === 'usr/local/bin/app-sstripped'))).toBe(true);
      expect(inv.issues).toEqual([]);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });

  it('wants executables of at least 1 KiB only', () => {
    expect(goBinaryExtractor.wants('usr/bin/app', { mode: 0o100755, size: 2_000_000 })).toBe(true);
    expect(goBinaryExtractor.wants('opt/x', { mode: 0o100700, size: 1024 })).toBe(true);
    expect(goBinaryExtractor.wants('usr/bin/app', { mode: 0o100644, size: 2_000_000 })).toBe(false);
    expect(goBinaryExtractor.wants('usr/bin/tiny', { mode: 0o100755, size: 1023 })).toBe(false);
  });

  it('a non-Go ELF binary and a script give nothing, quietly', async () => {
    expect(await extract('bin/ls', readFileSync('/bin/ls'))).toEqual({ packages: [], issues: [] });
    expect(await extract('bin/run.sh', Buffer.from('#!/bin/sh\n'.padEnd(2048, '#')))).toEqual({ packages: [], issues: [] });
  });
});
