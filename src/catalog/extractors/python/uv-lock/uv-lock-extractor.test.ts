import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { uvLockExtractor } from './index.js';

async function extract(bytes: Buffer | string): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await uvLockExtractor.extractFile(
    { path: 'app/uv.lock', bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  );
  return { packages, issues };
}

describe('python/uv-lock', () => {
  it('wants uv.lock only', () => {
    expect(uvLockExtractor.wants('uv.lock', { mode: 0o644, size: 1 })).toBe(true);
    expect(uvLockExtractor.wants('srv/app/uv.lock', { mode: 0o644, size: 1 })).toBe(true);
    expect(uvLockExtractor.wants('srv/app/myuv.lock', { mode: 0o644, size: 1 })).toBe(false);
  });

  it('skips workspace members, walks through them for dev, keeps every version of a forked package', async () => {
    const { packages, issues } = await extract(readFileSync(join(import.meta.dirname, 'testdata', 'workspace-git.uv.lock')));
    expect(issues).toEqual(['app/uv.lock: uv.lock: package noversion has no version; skipped']);
    expect(packages.map((p) => [p.name, p.version, p.metadata, p.dependsOn])).toEqual([
      ['attrs', '24.2.0', { kind: 'language', origin: 'declared', direct: true }, undefined],
      ['mylib', '1.0.0', { kind: 'language', origin: 'declared', direct: false, resolved: 'https://git.example/o/mylib.git?rev=v1#0123abcd' }, undefined],
      ['numpy', '1.26.4', { kind: 'language', origin: 'declared', direct: false }, undefined],
      ['numpy', '2.1.0', { kind: 'language', origin: 'declared', direct: false }, undefined],
      ['ruff', '0.6.0', { kind: 'language', origin: 'declared', direct: true, dev: true }, undefined],
    ]);
  });

  it.each([
    ['invalid TOML', '[[package]\nname = ', /^app\/uv\.lock: uv\.lock is not valid TOML: /],
    ['package not an array', 'package = "x"', /"package" is not an array of tables$/],
    ['deep inline arrays', `x = ${'['.repeat(5000)}${']'.repeat(5000)}`, /is not valid TOML/],
    ['binary', Buffer.from([0x00, 0xff, 0xfe, 0x5b]), /is not valid TOML/],
  ])('reports %s as an issue', async (_label, bytes, reason) => {
    const { packages, issues } = await extract(bytes);
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(reason);
  });

  it('copes with odd shapes without throwing', async () => {
    const text = [
      '[[package]]',
      'name = "root"',
      'version = "1"',
      'source = { virtual = "." }',
      'dependencies = [ "not-a-table", { name = 42 }, { name = "a" } ]',
      'dev-dependencies = "nope"',
      '[[package]]',
      'name = "a"',
      'version = "2"',
      'source = "registry"',
      'dependencies = [ { name = "a" } ]',
      '[[package]]',
      'version = "3"',
    ].join('\n');
    const { packages, issues } = await extract(text);
    expect(packages.map((p) => [p.name, p.version, p.metadata, p.dependsOn])).toEqual([['a', '2', { kind: 'language', origin: 'declared', direct: true }, ['a']]]);
    expect(issues).toEqual(['app/uv.lock: uv.lock: package 3 has no name; skipped']);
  });
});
