import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { parseDepPath, refToDepPath } from './dep-path.js';
import { pnpmLockExtractor } from './index.js';

async function extract(bytes: Buffer | string): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const packages = await pnpmLockExtractor.extractFile({ path: 'app/pnpm-lock.yaml', bytes: buffer, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, 'testdata', name));

function summary(packages: readonly ExtractedPackage[]): string[] {
  return packages.map((p) => {
    const m = p.metadata?.kind === 'language' ? p.metadata : undefined;
    const flags = [m?.dev === true ? 'dev' : '', m?.direct === true ? 'direct' : 'indirect'].filter(Boolean).join(',');
    return `${p.name}@${p.version} [${flags}] -> ${(p.dependsOn ?? []).join(',')}`;
  });
}

describe('pnpm dependency paths', () => {
  it.each([
    ['/lodash/4.17.21', 5, 'lodash', '4.17.21'],
    ['/@babel/core/7.21.8', 5, '@babel/core', '7.21.8'],
    ['/@babel/plugin/7.21.5_@babel+core@7.21.8', 5, '@babel/plugin', '7.21.5'],
    ['registry.example/lodash/4.17.10', 5, 'lodash', '4.17.10'],
    ['/lodash@4.17.21', 6, 'lodash', '4.17.21'],
    ['/@babel/plugin@7.21.5(@babel/core@7.20.7)', 6, '@babel/plugin', '7.21.5'],
    ['lodash@4.17.21', 9, 'lodash', '4.17.21'],
    ['@babel/plugin@7.21.5(@babel/core@7.20.7)(x@1.0.0)', 9, '@babel/plugin', '7.21.5'],
    ['debug@https://example.invalid/debug/tarball/4.3.5', 9, 'debug', undefined],
    ['package1@file:package1', 9, 'package1', undefined],
  ])('%s (v%i) → %s %s', (path, major, name, version) => {
    expect(parseDepPath(path, major)).toEqual({ name, version });
  });

  it.each([
    ['/nothing', 5],
    ['/', 5],
    ['noslash', 5],
    ['@', 9],
    ['', 9],
  ])('%s (v%i) → unreadable', (path, major) => {
    expect(parseDepPath(path, major)).toBeUndefined();
  });

  it.each([
    ['a', '1.0.0', 5, '/a/1.0.0'],
    ['a', '1.0.0_b@2.0.0', 5, '/a/1.0.0_b@2.0.0'],
    ['a', '/real/1.0.0', 5, '/real/1.0.0'],
    ['a', '1.0.0(b@2.0.0)', 6, '/a@1.0.0(b@2.0.0)'],
    ['a', 'file:x', 6, 'file:x'],
    ['a', '1.0.0', 9, 'a@1.0.0'],
    ['a', 'real@1.0.0', 9, 'real@1.0.0'],
    ['a', 'https://example.invalid/a.tgz', 9, 'a@https://example.invalid/a.tgz'],
    ['a', 'link:../a', 9, undefined],
  ])('reference %s: %s (v%i) → %s', (name, ref, major, depPath) => {
    expect(refToDepPath(name, ref, major)).toBe(depPath);
  });
});

describe('pnpm-lock: workspaces', () => {
  it('v5 importers: peers suffixes, aliases, registry-prefixed paths, links skipped', async () => {
    const { packages, issues } = await extract(fixture('v5-importers-peers.yaml'));
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual([
      '@scope/util@1.0.0 [direct] -> ',
      'other@2.0.0 [dev,indirect] -> ',
      'react@18.2.0 [direct] -> ',
      'react-dom@18.2.0 [direct] -> react,scheduler',
      'scheduler@0.23.0 [indirect] -> ',
      'string-width@4.2.3 [direct] -> ',
    ]);
  });

  it('v6 importers with {specifier, version} and peers suffixes', async () => {
    const { packages, issues } = await extract(fixture('v6-workspace.yaml'));
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual(['@types/react@18.2.0 [direct] -> ', 'react@18.2.0 [direct] -> ', 'styled@6.1.0 [direct] -> react']);
    expect(packages[0]?.metadata).toMatchObject({ integrity: 'sha512-jjjj' });
  });
});

describe('pnpm-lock: hostile input', () => {
  it.each([
    ['invalid YAML', 'lockfileVersion: 9.0\npackages: [unclosed\n', /invalid YAML/u],
    ['a list', '- a\n- b\n', /top level is not a map/u],
    ['no lockfileVersion', 'packages: {}\n', /unsupported lockfileVersion/u],
    ['a silly lockfileVersion', 'lockfileVersion: banana\n', /unsupported lockfileVersion/u],
    ['an empty file', '', /top level is not a map|empty/u],
    ['unreadable package keys', "lockfileVersion: '6.0'\npackages:\n  nonsense: {}\n", /unreadable package key "nonsense"/u],
    ['too many documents', 'a: 1\n---\n'.repeat(40), /YAML documents/u],
  ])('%s → an issue, no throw', async (_label, text, reason) => {
    const { packages, issues } = await extract(text);
    expect(packages).toEqual([]);
    expect(issues.some((i) => reason.test(i)), issues.join('\n')).toBe(true);
  });

  it('refuses a YAML alias bomb', async () => {
    const lines = ["lockfileVersion: '9.0'", 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const { packages, issues } = await extract(lines.join('\n'));
    expect(packages).toEqual([]);
    expect(issues.some((i) => /invalid YAML/u.test(i)), issues.join('\n')).toBe(true);
  });

  it('survives deeply nested YAML', async () => {
    const { packages, issues } = await extract(`lockfileVersion: '9.0'\nx: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`);
    expect(packages).toEqual([]);
    expect(issues.length).toBeGreaterThanOrEqual(0);
  });

  it('terminates on dependency cycles and on self-references', async () => {
    const { packages, issues } = await extract(
      "lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      a: {specifier: '1', version: 1.0.0}\npackages:\n  a@1.0.0: {}\n  b@1.0.0: {}\nsnapshots:\n  a@1.0.0:\n    dependencies: {b: 1.0.0, a: 1.0.0}\n  b@1.0.0:\n    dependencies: {a: 1.0.0}\n",
    );
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual(['a@1.0.0 [dev,direct] -> b', 'b@1.0.0 [dev,indirect] -> a']);
  });
});
