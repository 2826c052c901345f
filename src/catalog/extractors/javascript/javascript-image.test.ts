/**
 * The four JavaScript extractors in the catalog's single pass over a small layered image: what each reports,
 * under which id, and that an upper layer's whiteout removes a lockfile's packages with it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout } from '../../../../test/fixtures/image-builder.js';
import { inventory } from '../../../scan/index.js';
import { npmInstalledExtractor } from './npm-installed/index.js';
import { packageLockExtractor } from './package-lock/index.js';
import { pnpmLockExtractor } from './pnpm-lock/index.js';
import { yarnLockExtractor } from './yarn-lock/index.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

const json = (value: unknown): string => JSON.stringify(value, null, 2);

describe('javascript extractors in an image', () => {
  it('reports installed and declared packages with their evidence, layer and purl', async () => {
    const dir = join(work, 'js-image');
    await writeOciLayout(dir, [
      {
        tag: 't',
        layers: [
          {
            entries: [
              { path: 'srv/app/package.json', content: json({ name: 'app', version: '1.0.0', dependencies: { '@s/c': '^3.0.0' } }) },
              {
                path: 'srv/app/package-lock.json',
                content: json({
                  name: 'app',
                  lockfileVersion: 3,
                  packages: {
                    '': { name: 'app', version: '1.0.0', dependencies: { '@s/c': '^3.0.0' } },
                    'node_modules/@s/c': { version: '3.0.0', license: 'MIT', dependencies: { b: '^1.0.0' } },
                    'node_modules/b': { version: '1.0.0' },
                  },
                }),
              },
              { path: 'srv/app/node_modules/.package-lock.json', content: json({ lockfileVersion: 3, packages: { 'node_modules/b': { version: '1.0.0' } } }) },
              { path: 'srv/app/node_modules/@s/c/package.json', content: json({ name: '@s/c', version: '3.0.0', license: 'MIT', dependencies: { b: '^1.0.0' } }) },
              { path: 'srv/app/node_modules/@s/c/lib/package.json', content: json({ type: 'module' }) },
              { path: 'srv/app/node_modules/b/package.json', content: json({ name: 'b', version: '1.0.0' }) },
              { path: 'srv/web/yarn.lock', content: '# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version "1.3.0"\n' },
              {
                path: 'srv/mono/pnpm-lock.yaml',
                content: "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      is-number: {specifier: 7.0.0, version: 7.0.0}\npackages:\n  is-number@7.0.0:\n    resolution: {integrity: sha512-x}\nsnapshots:\n  is-number@7.0.0: {}\n",
              },
            ],
          },
          { entries: [{ path: 'srv/web/.wh.yarn.lock', content: '' }] },
        ],
      },
    ]);
    const inv = await inventory(`oci:${dir}:t`, {
      extractors: [npmInstalledExtractor, packageLockExtractor, yarnLockExtractor, pnpmLockExtractor],
    });
    expect(inv.issues).toEqual([]);
    expect(inv.packages.map((p) => `${p.purl} ${p.foundBy} ${p.locations.map((l) => `${l.path}#${l.layer}`).join(' ')}`).sort()).toEqual([
      // package-lock.json declares @s/c and b as well: the installed copies are the components reported.
      'pkg:npm/%40s/c@3.0.0 javascript/npm-installed@1 srv/app/node_modules/@s/c/package.json#0',
      'pkg:npm/b@1.0.0 javascript/npm-installed@1 srv/app/node_modules/b/package.json#0',
      'pkg:npm/is-number@7.0.0 javascript/pnpm-lock@1 srv/mono/pnpm-lock.yaml#0',
    ]);
    const installed = inv.packages.find((p) => p.name === '@s/c' && p.foundBy === 'javascript/npm-installed@1');
    expect(installed?.licenses).toEqual(['MIT']);
    expect(installed?.metadata).toEqual({ kind: 'language', origin: 'installed' });
    expect(inv.relationships.some((r) => r.from === installed?.id && r.type === 'depends-on')).toBe(true);
    expect(inv.extractors).toEqual(
      expect.arrayContaining(['javascript/npm-installed@1', 'javascript/package-lock@1', 'javascript/yarn-lock@1', 'javascript/pnpm-lock@1']),
    );
  });
});
