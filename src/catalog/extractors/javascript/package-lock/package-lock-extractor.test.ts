import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { packageLockExtractor } from './index.js';

async function extract(bytes: Buffer | string, path = 'srv/app/package-lock.json'): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const packages = await packageLockExtractor.extractFile({ path, bytes: buffer, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, 'testdata', name));

function summary(packages: readonly ExtractedPackage[]): string[] {
  return packages.map((p) => {
    const m = p.metadata?.kind === 'language' ? p.metadata : undefined;
    const flags = [m?.dev === true ? 'dev' : '', m?.direct === true ? 'direct' : m?.direct === false ? 'indirect' : ''].filter(Boolean).join(',');
    return `${p.name}@${p.version} [${flags}] [${p.licenses.join('|')}] -> ${(p.dependsOn ?? []).join(',')}`;
  });
}

describe('package-lock: which files', () => {
  it.each([
    ['package-lock.json', true],
    ['srv/app/package-lock.json', true],
    ['srv/app/npm-shrinkwrap.json', true],
    ['srv/app/node_modules/.package-lock.json', false],
    ['srv/app/node_modules/some-pkg/npm-shrinkwrap.json', false],
    ['node_modules/some-pkg/package-lock.json', false],
    ['srv/app/package-lock.json.bak', false],
    ['srv/app/my-package-lock.json', false],
  ])('%s → %s', (path, wanted) => {
    expect(packageLockExtractor.wants(path, { mode: 0o644, size: 10 })).toBe(wanted);
  });
});

describe('package-lock: v1 tree', () => {
  it('reads aliases, resolves requires up the tree and leaves out git and file sources', async () => {
    const { packages, issues } = await extract(fixture('lock-v1-alias-git.json'));
    expect(summary(packages)).toEqual([
      'inner@2.0.0 [] [] -> strip-ansi',
      'outer@1.0.0 [] [] -> inner,strip-ansi',
      'string-width@4.2.3 [] [] -> strip-ansi',
      'strip-ansi@5.2.0 [] [] -> ',
      'strip-ansi@6.0.1 [dev] [] -> ',
    ]);
    expect(packages.find((p) => p.name === 'string-width')?.metadata).toMatchObject({
      resolved: 'https://registry.example/string-width/-/string-width-4.2.3.tgz',
      integrity: 'sha512-aaaa',
    });
    expect(issues).toEqual([
      'package-lock.json: entry "broken" is not an object; skipped',
      'package-lock.json: package "no-version" has no version; skipped',
    ]);
  });
});

describe('package-lock: v2 packages', () => {
  it('prefers packages over the v1 section, names aliases by their real name, marks direct dependencies', async () => {
    const { packages, issues } = await extract(fixture('lock-v2-alias.json'), 'srv/app/npm-shrinkwrap.json');
    expect(summary(packages)).toEqual([
      '@scope/pkg@2.0.0 [indirect] [Apache-2.0] -> strip-ansi',
      'git-dep@1.0.0 [direct] [ISC] -> ',
      'opt@1.0.0 [direct] [] -> ',
      'string-width@4.2.3 [direct] [MIT] -> strip-ansi',
      'strip-ansi@6.0.1 [indirect] [MIT] -> ',
    ]);
    expect(packages.find((p) => p.name === 'git-dep')?.metadata).toMatchObject({
      resolved: 'git+ssh://git@example.invalid/x/git-dep.git#0123456789abcdef',
    });
    expect(issues).toEqual(['npm-shrinkwrap.json: entry "node_modules/weird" is not an object; skipped']);
    for (const p of packages) expect(p.evidence).toBe('srv/app/npm-shrinkwrap.json');
  });
});

describe('package-lock: hostile input', () => {
  it.each([
    ['not JSON', '{"lockfileVersion": 3, "packages": {', /invalid JSON/u],
    ['an array', '[]', /top level is not an object/u],
    ['an empty object', '{}', /not an npm lockfile/u],
    ['binary', Buffer.from([0, 1, 2, 3, 0xff]), /invalid JSON/u],
  ])('%s → an issue', async (_label, content, reason) => {
    const { packages, issues } = await extract(content);
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(reason);
  });

  it('accepts an empty lockfile of a project without dependencies', async () => {
    const { packages, issues } = await extract('{"name":"a","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"a","version":"1.0.0"}}}');
    expect(packages).toEqual([]);
    expect(issues).toEqual([]);
  });

  it('stops at a hostile nesting depth of a v1 tree and reports it once', async () => {
    let tree = '{}';
    for (let i = 0; i < 500; i++) tree = `{"d${i}":{"version":"1.0.0","dependencies":${tree}}}`;
    const { packages, issues } = await extract(`{"lockfileVersion":1,"dependencies":${tree}}`);
    expect(packages.length).toBe(64);
    expect(issues).toEqual(['package-lock.json: dependencies nest deeper than 64 levels; the deeper ones are skipped']);
  });

  it('skips v2 entries nested absurdly deep, and resolves the rest quickly', async () => {
    const entries: Record<string, unknown> = {};
    let location = '';
    for (let i = 0; i < 2000; i++) {
      location = `${location === '' ? '' : `${location}/`}node_modules/p${i}`;
      entries[location] = { version: '1.0.0', dependencies: { p0: '*', [`p${i + 1}`]: '*' } };
    }
    const started = Date.now();
    const { packages, issues } = await extract(JSON.stringify({ lockfileVersion: 3, packages: entries }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(issues).toEqual(['package-lock.json: 1936 entries nest deeper than 64 node_modules levels; skipped']);
    expect(packages).toHaveLength(64);
    expect(packages.find((p) => p.name === 'p5')?.dependsOn).toEqual(['p0', 'p6']);
  });

  it('resolves a package with very many dependencies at the deepest level in bounded time', async () => {
    const entries: Record<string, unknown> = {};
    let location = '';
    for (let i = 0; i < 64; i++) location = `${location === '' ? '' : `${location}/`}node_modules/p${i}`;
    const dependencies = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`d${i}`, '*']));
    entries[location] = { version: '1.0.0', dependencies };
    entries['node_modules/d7'] = { version: '7.0.0' };
    const started = Date.now();
    const { packages, issues } = await extract(JSON.stringify({ lockfileVersion: 3, packages: entries }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(issues).toEqual([]);
    expect(packages.find((p) => p.name === 'p63')?.dependsOn).toEqual(['d7']);
  });

  it('lists at most 20 problems of one file, then how many more', async () => {
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) entries[`node_modules/p${i}`] = { license: 'MIT' };
    const { packages, issues } = await extract(JSON.stringify({ lockfileVersion: 3, packages: entries }));
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('package-lock.json: 80 more problems not listed');
  });

  it('refuses a file over the cap', async () => {
    const { packages, issues } = await extract(Buffer.alloc(packageLockExtractor.maxFileBytes + 1, 0x20));
    expect(packages).toEqual([]);
    expect(issues[0]).toMatch(/exceeds the \d+-byte cap/u);
  });

  it('ignores prototype keys in hostile JSON', async () => {
    const { packages, issues } = await extract(
      '{"lockfileVersion":3,"packages":{"":{"dependencies":{"__proto__":"1"}},"node_modules/__proto__":{"version":"1.0.0"},"node_modules/constructor":{"version":"2.0.0","dependencies":{"__proto__":"*","toString":"*"}}}}',
    );
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual(['__proto__@1.0.0 [direct] [] -> ', 'constructor@2.0.0 [indirect] [] -> __proto__']);
  });
});
