import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cargoLockExtractor } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');

async function extract(content: string | Buffer, path = 'src/app/Cargo.lock') {
  const issues: string[] = [];
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const packages = await cargoLockExtractor.extractFile({ path, bytes, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

describe('rust/cargo-lock', () => {
  it('wants Cargo.lock files only', () => {
    expect(cargoLockExtractor.wants('Cargo.lock', { mode: 0o644, size: 10 })).toBe(true);
    expect(cargoLockExtractor.wants('usr/src/app/Cargo.lock', { mode: 0o644, size: 10 })).toBe(true);
    expect(cargoLockExtractor.wants('usr/src/app/Cargo.toml', { mode: 0o644, size: 10 })).toBe(false);
    expect(cargoLockExtractor.wants('usr/src/app/NotCargo.lock', { mode: 0o644, size: 10 })).toBe(false);
  });

  it('v4: workspace members, two versions of one crate, checksums and sources', async () => {
    const { packages, issues } = await extract(readFileSync(join(testdata, 'v4-workspace', 'Cargo.lock')));
    expect(issues).toEqual([]);
    const registry = 'registry+https://github.com/rust-lang/crates.io-index';
    const pkg = (name: string, version: string, metadata: object, dependsOn?: string[]) => ({
      ecosystem: 'cargo',
      name,
      version,
      licenses: [],
      evidence: 'src/app/Cargo.lock',
      metadata: { kind: 'language', origin: 'declared', ...metadata },
      ...(dependsOn ? { dependsOn } : {}),
    });
    expect(packages).toEqual([
      pkg('app', '0.1.0', {}, ['helper', 'rand', 'tiny-lib']),
      pkg('helper', '0.2.0', {}),
      pkg('rand', '0.8.5', { resolved: registry, integrity: '34af8d1a0e25924bc5b7c43c079c942339d8f0a8b57c39049bef581b46327404' }),
      pkg('rand', '0.9.0', { resolved: registry, integrity: '3779b94aeb87e8bd4e834cee3650289ee9e0d5677f976ecdb6d219e5f4f6cd94' }),
      pkg('tiny-lib', '1.0.0', { resolved: 'git+https://example.invalid/tiny-lib?rev=abc123#abc1234567890abcdef1234567890abcdef12345' }),
    ]);
  });

  it('v1: checksums from [metadata]', async () => {
    const { packages, issues } = await extract(readFileSync(join(testdata, 'v1-metadata-checksums', 'Cargo.lock')));
    expect(issues).toEqual([]);
    expect(packages.map((p) => [p.name, p.dependsOn, p.metadata?.kind === 'language' ? p.metadata.integrity : undefined])).toEqual([
      ['app', ['libc'], undefined],
      ['libc', undefined, 'c6785aa7dd976f5fbf3b71cfd9cd49d7f783c1ff565a858d71031c6c313aa5c6'],
    ]);
  });

  it('an empty lock file has no packages and no issues', async () => {
    expect(await extract('# nothing yet\nversion = 3\n')).toEqual({ packages: [], issues: [] });
  });
});

describe('rust/cargo-lock on hostile input: issues, never a throw', () => {
  it.each([
    ['binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), /not valid TOML/],
    ['package is a table', '[package]\nname = "x"\nversion = "1"\n', /"package" is not an array of tables/],
    ['deep inline nesting', `x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, /not valid TOML/],
    ['unterminated string', '[[package]]\nname = "x\n', /not valid TOML/],
  ])('%s', async (_label, content, reason) => {
    const { packages, issues } = await extract(content);
    expect(packages).toEqual([]);
    expect(issues).toEqual([expect.stringMatching(reason)]);
  });

  it('odd packages are skipped with issues, the rest kept', async () => {
    const lock = [
      'package = [',
      '  { name = "ok", version = "1.0.0", dependencies = ["dep", 7, ""] },',
      '  { name = "noversion" },',
      '  { version = "1.0.0" },',
      '  { name = "baddeps", version = "1.0.0", dependencies = "dep" },',
      '  "a string",',
      ']',
    ].join('\n');
    const { packages, issues } = await extract(lock);
    expect(packages.map((p) => `${p.name}@${p.version} ${JSON.stringify(p.dependsOn ?? [])}`)).toEqual(['baddeps@1.0.0 []', 'ok@1.0.0 ["dep"]']);
    expect(issues).toEqual([
      'Cargo.lock: package ok 1.0.0: dependency 7 is not a name',
      'Cargo.lock: package ok 1.0.0: dependency "" is not a name',
      'Cargo.lock: package noversion has no version; skipped',
      'Cargo.lock: package 3 has no name; skipped',
      'Cargo.lock: package baddeps 1.0.0: "dependencies" is not an array',
      'Cargo.lock: package 5 is not a table',
    ]);
  });

  it('many problems are capped', async () => {
    const { issues } = await extract(`package = [${'"x",'.repeat(1000)}]\n`);
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('Cargo.lock: 980 more problems not listed');
  });
});
