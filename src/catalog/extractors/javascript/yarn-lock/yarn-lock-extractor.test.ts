import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { yarnLockExtractor } from './index.js';

async function extract(bytes: Buffer | string): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const packages = await yarnLockExtractor.extractFile({ path: 'app/yarn.lock', bytes: buffer, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, 'testdata', name));

function summary(packages: readonly ExtractedPackage[]): string[] {
  return packages.map((p) => {
    const m = p.metadata?.kind === 'language' ? p.metadata : undefined;
    const direct = m?.direct === true ? 'direct' : m?.direct === false ? 'indirect' : '';
    return `${p.name}@${p.version} [${direct}] -> ${(p.dependsOn ?? []).join(',')}`;
  });
}

describe('yarn-lock: which files', () => {
  it.each([
    ['yarn.lock', true],
    ['srv/app/yarn.lock', true],
    ['srv/app/node_modules/pkg/yarn.lock', false],
    ['srv/app/yarn.lock.orig', false],
    ['srv/app/.yarn/install-state.gz', false],
  ])('%s → %s', (path, wanted) => {
    expect(yarnLockExtractor.wants(path, { mode: 0o644, size: 10 })).toBe(wanted);
  });
});

describe('yarn-lock: v1', () => {
  it('reads CRLF lines, quoted keys, several selectors, aliases and optional dependencies', async () => {
    const { packages, issues } = await extract(fixture('v1-crlf-alias.lock'));
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual([
      '@babel/code-frame@7.24.2 [] -> @babel/highlight,fsevents,picocolors',
      '@babel/highlight@7.24.2 [] -> ',
      'escaped@1.0.0! [] -> ',
      'fsevents@2.3.3 [] -> ',
      'picocolors@1.0.1 [] -> ',
      'string-width@4.2.3 [] -> picocolors',
    ]);
    expect(packages[0]?.metadata).toEqual({
      kind: 'language',
      origin: 'declared',
      resolved: 'https://registry.example/@babel/code-frame/-/code-frame-7.24.2.tgz#abc',
      integrity: 'sha512-cccc',
    });
  });
});

describe('yarn-lock: berry', () => {
  it('skips workspaces, marks what they depend on direct, reports a patched npm package once', async () => {
    const { packages, issues } = await extract(fixture('berry-workspaces.lock'));
    expect(issues).toEqual(['yarn.lock: entry "odd@weird:1.0.0": unknown protocol "weird"; skipped']);
    expect(summary(packages)).toEqual([
      'fsevents@2.3.3 [direct] -> ',
      'string-width@4.2.3 [direct] -> strip-ansi',
      'strip-ansi@6.0.1 [direct] -> ',
    ]);
    expect(packages.find((p) => p.name === 'strip-ansi')?.metadata).toMatchObject({ integrity: '10c0/bbbb' });
  });
});

describe('yarn-lock: hostile input', () => {
  it.each([
    ['berry with invalid YAML', '__metadata:\n  version: 8\n"a@npm:1": [unclosed\n', /invalid YAML/u],
    ['berry as a list', '- x\n__metadata:\n  version: 8\n', /invalid YAML/u],
    ['berry as a scalar', '"__metadata:"\n__metadata:', /invalid YAML/u],
    ['v1 with an unterminated quote', '"a@^1:\n  version "1.0.0"\n', /line 1: unreadable selectors/u],
    ['v1 with a stray line', 'garbage line without colon\n', /line 1: expected an entry/u],
    ['v1 entry without version', 'a@^1:\n  resolved "x"\n', /package "a" has no version/u],
    ['v1 selector without a range', 'justaname:\n  version "1.0.0"\n', /unreadable selector/u],
  ])('%s → an issue, no throw', async (_label, text, reason) => {
    const { packages, issues } = await extract(text);
    expect(packages).toEqual([]);
    expect(issues.some((i) => reason.test(i)), issues.join('\n')).toBe(true);
  });

  it('refuses a YAML alias bomb', async () => {
    const lines = ['__metadata:', '  version: 8', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const { packages, issues } = await extract(lines.join('\n'));
    expect(packages).toEqual([]);
    expect(issues.some((i) => /invalid YAML/u.test(i)), issues.join('\n')).toBe(true);
  });

  it('survives deeply nested YAML', async () => {
    const { packages, issues } = await extract(`__metadata:\n  version: 8\nx: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    expect(packages).toEqual([]);
    expect(issues.length).toBeGreaterThan(0);
  });

  it('survives random bytes', async () => {
    const bytes = Buffer.alloc(64 * 1024);
    let seed = 7;
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = seed & 0xff;
    }
    const { packages } = await extract(bytes);
    expect(Array.isArray(packages)).toBe(true);
  });

  it('lists at most 20 problems of one file', async () => {
    const { issues } = await extract('nonsense\n'.repeat(1000));
    expect(issues).toHaveLength(21);
  });
});
