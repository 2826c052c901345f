import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { poetryLockExtractor } from './index.js';

async function extract(bytes: Buffer | string): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await poetryLockExtractor.extractFile(
    { path: 'app/poetry.lock', bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  );
  return { packages, issues };
}

describe('python/poetry-lock', () => {
  it('wants poetry.lock only', () => {
    expect(poetryLockExtractor.wants('poetry.lock', { mode: 0o644, size: 1 })).toBe(true);
    expect(poetryLockExtractor.wants('srv/app/poetry.lock', { mode: 0o644, size: 1 })).toBe(true);
    expect(poetryLockExtractor.wants('srv/app/poetry.lock.bak', { mode: 0o644, size: 1 })).toBe(false);
  });

  it('reads groups, multiple-constraint dependencies and sources (without credentials)', async () => {
    const { packages, issues } = await extract(readFileSync(join(import.meta.dirname, 'testdata', 'groups-sources.poetry.lock')));
    expect(issues).toEqual([]);
    expect(packages.map((p) => [p.name, p.version, p.metadata, p.dependsOn])).toEqual([
      ['forked', '1.0.0', { kind: 'language', origin: 'declared', resolved: 'https://github.example/o/forked.git' }, undefined],
      ['internal-lib', '0.3.0', { kind: 'language', origin: 'declared', resolved: 'https://pypi.internal.example/simple' }, undefined],
      ['numpy', '1.26.4', { kind: 'language', origin: 'declared' }, undefined],
      ['sphinx', '7.4.7', { kind: 'language', origin: 'declared', dev: true }, ['jinja2', 'numpy', 'sphinxcontrib-applehelp']],
    ]);
  });

  it.each([
    ['invalid TOML', '[[package]\nname = ', /^app\/poetry\.lock: poetry\.lock is not valid TOML: /],
    ['package not an array', '[package]\nname = "x"', /"package" is not an array of tables$/],
    ['binary', Buffer.from([0x00, 0xff, 0xfe, 0x5b]), /is not valid TOML/],
  ])('reports %s as an issue', async (_label, bytes, reason) => {
    const { packages, issues } = await extract(bytes);
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(reason);
  });

  it('skips packages without name or version and bad dependency tables', async () => {
    const text = 'package = [ { name = "a", version = "1", dependencies = "x" }, { name = "b" }, { version = "2" }, "str" ]';
    const { packages, issues } = await extract(text);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1']);
    expect(issues).toEqual([
      'app/poetry.lock: poetry.lock: 1 "package" entries are not tables',
      'app/poetry.lock: poetry.lock: package a 1: "dependencies" is not a table',
      'app/poetry.lock: poetry.lock: package b has no version; skipped',
      'app/poetry.lock: poetry.lock: package 3 has no name; skipped',
    ]);
  });
});
