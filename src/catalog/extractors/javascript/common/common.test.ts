import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { mergeAndSort } from './finish-packages.js';
import { npmLicenses } from './npm-license.js';
import { isInsideNodeModules, nameFromLocation } from './npm-paths.js';

describe('npmLicenses', () => {
  it.each([
    [{ license: 'MIT' }, ['MIT']],
    [{ license: ' (MIT OR Apache-2.0) ' }, ['(MIT OR Apache-2.0)']],
    [{ license: { type: 'ISC', url: 'x' } }, ['ISC']],
    [{ license: [{ type: 'Public Domain' }, { type: 'MIT' }] }, ['Public Domain', 'MIT']],
    [{ license: ['MIT', 'Apache2'] }, ['MIT', 'Apache2']],
    [{ licenses: [{ type: 'MIT' }, 'BSD-2-Clause'] }, ['MIT', 'BSD-2-Clause']],
    [{ license: 'MIT', licenses: [{ type: 'MIT' }] }, ['MIT']],
    [{ license: '' }, []],
    [{ license: 7, licenses: { type: 5 } }, []],
    [{}, []],
  ])('%j → %j', (manifest, want) => {
    expect(npmLicenses(manifest)).toEqual(want);
  });
});

describe('npm paths', () => {
  it.each([
    ['node_modules/a', 'a'],
    ['x/node_modules/@s/b', '@s/b'],
    ['node_modules/a/node_modules/b', 'b'],
    ['node_modules/@s', undefined],
    ['node_modules/@s/', undefined],
    ['node_modules/a/lib', undefined],
    ['functions/func1', undefined],
    ['my_node_modules/a', undefined],
    ['node_modules/', undefined],
  ])('nameFromLocation(%s) → %s', (location, name) => {
    expect(nameFromLocation(location)).toBe(name);
  });

  it.each([
    ['node_modules/a/package-lock.json', true],
    ['srv/node_modules/a/yarn.lock', true],
    ['srv/my_node_modules/yarn.lock', false],
    ['srv/node_modules_backup/yarn.lock', false],
  ])('isInsideNodeModules(%s) → %s', (path, inside) => {
    expect(isInsideNodeModules(path)).toBe(inside);
  });
});

describe('mergeAndSort', () => {
  const pkg = (name: string, version: string, extra: Partial<ExtractedPackage> & { dev?: boolean; direct?: boolean } = {}): ExtractedPackage => {
    const { dev, direct, ...rest } = extra;
    return {
      ecosystem: 'npm',
      name,
      version,
      licenses: [],
      evidence: 'package-lock.json',
      metadata: { kind: 'language', origin: 'declared', ...(dev === undefined ? {} : { dev }), ...(direct === undefined ? {} : { direct }) },
      ...rest,
    };
  };

  it('merges copies of one name@version: united edges, dev only if every copy is, direct if any is', () => {
    const merged = mergeAndSort([
      pkg('b', '1.0.0', { dev: true, direct: false, dependsOn: ['y'] }),
      pkg('a', '2.0.0'),
      pkg('b', '1.0.0', { dev: false, direct: true, dependsOn: ['x', 'y'], licenses: ['MIT'] }),
      pkg('a', '10.0.0'),
    ]);
    expect(merged.map((p) => `${p.name}@${p.version}`)).toEqual(['a@10.0.0', 'a@2.0.0', 'b@1.0.0']);
    expect(merged[2]).toMatchObject({ dependsOn: ['x', 'y'], licenses: ['MIT'], metadata: { dev: false, direct: true } });
  });
});
