import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { npmInstalledExtractor } from './index.js';

interface Tree {
  files: Record<string, unknown>;
}

const tree = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'node-modules-tree.json'), 'utf8')) as Tree;

async function extractTree(files: Record<string, unknown>): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages: ExtractedPackage[] = [];
  for (const [path, content] of Object.entries(files)) {
    const bytes = Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
    if (!npmInstalledExtractor.wants(path, { mode: 0o644, size: bytes.length })) continue;
    packages.push(...(await npmInstalledExtractor.extractFile({ path, bytes, mode: 0o644 }, { issue: (p, r) => issues.push(`${p}: ${r}`) })));
  }
  return { packages, issues };
}

describe('npm-installed: which files', () => {
  it.each([
    ['node_modules/a/package.json', true],
    ['srv/app/node_modules/a/package.json', true],
    ['srv/app/node_modules/@s/c/package.json', true],
    ['srv/app/node_modules/a/node_modules/b/package.json', true],
    ['srv/app/node_modules/a/node_modules/@s/c/package.json', true],
    ['usr/lib/node_modules/npm/package.json', true],
    ['usr/local/lib/node_modules/npm/node_modules/semver/package.json', true],
    ['srv/app/node_modules/.pnpm/x@1.0.0/node_modules/x/package.json', true],
    ['srv/app/package.json', false],
    ['package.json', false],
    ['node_modules/package.json', false],
    ['srv/app/node_modules/a/lib/package.json', false],
    ['srv/app/node_modules/a/test/fixtures/package.json', false],
    ['srv/app/node_modules/@s/package.json', false],
    ['srv/app/node_modules/.bin/package.json', false],
    ['srv/app/node_modules/@/c/package.json', false],
    ['srv/app/my_node_modules/a/package.json', false],
    ['srv/app/node_modules/a/package.json5', false],
    ['srv/app/node_modules/a/not-package.json', false],
  ])('%s → %s', (path, wanted) => {
    expect(npmInstalledExtractor.wants(path, { mode: 0o644, size: 10 })).toBe(wanted);
  });
});

describe('npm-installed: a node_modules tree', () => {
  it('reports each installed manifest as its own package, nested copies included', async () => {
    const { packages, issues } = await extractTree(tree.files);
    expect(issues).toEqual([]);
    const summary = packages
      .map((p) => `${p.name}@${p.version} ${p.evidence} [${p.licenses.join(' | ')}] -> ${(p.dependsOn ?? []).join(',')}`)
      .sort();
    expect(summary).toEqual([
      '@s/c@3.0.0 srv/app/node_modules/@s/c/package.json [(MIT OR Apache-2.0)] -> ',
      'a@1.0.0 srv/app/node_modules/a/package.json [MIT] -> @s/c,b,fsevents',
      'b@1.0.0 srv/app/node_modules/b/package.json [MIT | Apache-2.0] -> ',
      'b@2.0.0 srv/app/node_modules/a/node_modules/b/package.json [ISC] -> ',
      'corepack@0.29.3 usr/local/lib/node_modules/corepack/package.json [MIT] -> ',
      'no-name@0.1.0 srv/app/node_modules/no-name/package.json [] -> ',
      'npm@10.8.2 usr/lib/node_modules/npm/package.json [Artistic-2.0] -> ',
      'string-width@4.2.3 srv/app/node_modules/string-width-cjs/package.json [MIT] -> ',
      'top@0.0.1 node_modules/top/package.json [] -> ',
      'x@1.0.0 srv/app/node_modules/.pnpm/x@1.0.0/node_modules/x/package.json [] -> ',
    ]);
    for (const p of packages) expect(p.ecosystem).toBe('npm');
    const corepack = packages.find((p) => p.name === 'corepack');
    expect(corepack?.metadata).toEqual({
      kind: 'language',
      origin: 'installed',
      resolved: 'https://registry.example/corepack/-/corepack-0.29.3.tgz',
      integrity: 'sha512-AAAA',
    });
    expect(packages.find((p) => p.name === 'a')?.metadata).toEqual({ kind: 'language', origin: 'installed' });
  });
});

describe('npm-installed: hostile and odd manifests', () => {
  const at = 'srv/app/node_modules/p/package.json';
  const one = async (content: string | Buffer): Promise<{ packages: ExtractedPackage[]; issues: string[] }> => {
    const issues: string[] = [];
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const packages = await npmInstalledExtractor.extractFile({ path: at, bytes, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
    return { packages, issues };
  };

  it.each([
    ['not JSON', '{"name": "p", "version": ', /invalid JSON/u],
    ['a JSON array', '[1, 2, 3]', /top level is not an object/u],
    ['a JSON string', '"p"', /top level is not an object/u],
    ['empty', '', /invalid JSON/u],
    ['no version', '{"name": "p"}', /package "p" has no usable version; skipped/u],
    ['a numeric version', '{"name": "p", "version": 1}', /has no usable version/u],
    ['an object name (the folder then names the package)', '{"name": {"x": 1}, "version": "1.0.0"}', null],
    ['an absurdly long name', `{"name": "${'n'.repeat(1000)}", "version": "1.0.0"}`, /no usable package name/u],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]), /invalid JSON/u],
  ])('%s → an issue, no throw', async (_label, content, reason) => {
    const { packages, issues } = await one(content);
    if (reason === null) {
      // The folder names the package when the manifest's name is unusable.
      expect(packages.map((p) => p.name)).toEqual(['p']);
      return;
    }
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(reason);
    expect(issues[0]).toMatch(/^package\.json: /u);
  });

  it('reads a manifest with a byte-order mark', async () => {
    const { packages, issues } = await one('\ufeff{"name": "p", "version": "1.0.0"}');
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['p@1.0.0']);
  });

  it('refuses a manifest over the cap without parsing it', async () => {
    const big = Buffer.alloc(npmInstalledExtractor.maxFileBytes + 1, 0x20);
    const { packages, issues } = await one(big);
    expect(packages).toEqual([]);
    expect(issues[0]).toMatch(/exceeds the 1048576-byte cap/u);
  });

  it('ignores licence and dependency fields of the wrong shape', async () => {
    const { packages, issues } = await one(
      JSON.stringify({ name: 'p', version: '1.0.0', license: 42, licenses: 'MIT', dependencies: ['a', 'b'], optionalDependencies: null }),
    );
    expect(issues).toEqual([]);
    expect(packages[0]?.licenses).toEqual(['MIT']);
    expect(packages[0]?.dependsOn).toBeUndefined();
  });

  it('caps the number of licences taken from a hostile array', async () => {
    const licenses = Array.from({ length: 10_000 }, (_, i) => `L-${i}`);
    const { packages } = await one(JSON.stringify({ name: 'p', version: '1.0.0', license: licenses }));
    expect(packages[0]?.licenses.length).toBe(32);
  });

  it('survives deeply nested JSON', async () => {
    const deep = `{"name":"p","version":"1.0.0","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const { packages, issues } = await one(deep);
    expect(packages.length + issues.length).toBe(1);
  });
});
