import { describe, expect, it } from 'vitest';
import type { Ecosystem, ExtractedPackage, Package } from '../core/model.js';
import { bareName, resolveDependencies } from './relationships.js';

describe('bareName', () => {
  it.each([
    ['libc6 (>= 2.36)', 'libc6'],
    ['perl:any', 'perl'],
    ['so:libc.musl-x86_64.so.1=1.2.4-r2', 'so:libc.musl-x86_64.so.1'],
    ['libc.so.6()(64bit)', 'libc.so.6()(64bit)'],
    ['libc.so.6(GLIBC_2.34)(64bit)', 'libc.so.6(GLIBC_2.34)(64bit)'],
    ['/bin/sh', '/bin/sh'],
  ])('%s -> %s', (spec, name) => expect(bareName(spec)).toBe(name));
});

function pair(id: string, ecosystem: Ecosystem, name: string, dependsOn: string[], extra: Partial<ExtractedPackage> = {}, files: string[] = []) {
  const extracted: ExtractedPackage = { ecosystem, name, version: '1', licenses: [], evidence: 'db', dependsOn, ...extra };
  const pkg: Package = { id, ecosystem, name, version: '1', purl: '', licenses: [], foundBy: 'x@1', locations: [], files };
  return { pkg, extracted };
}

describe('resolveDependencies', () => {
  it('resolves names, provides and rpm file requirements within one ecosystem', () => {
    const rels = resolveDependencies([
      pair('a', 'deb', 'curl', ['libc6 (>= 2)', 'mail-transport-agent', 'missing']),
      pair('b', 'deb', 'libc6', []),
      pair('c', 'deb', 'exim4', [], { metadata: { kind: 'dpkg', provides: ['mail-transport-agent'] } }),
      pair('d', 'rpm', 'bash', ['/bin/sh', 'libc6']),
      pair('e', 'rpm', 'filesystem', [], {}, ['bin/sh']),
    ]);
    expect(rels).toEqual([
      { from: 'a', to: 'b', type: 'depends-on' },
      { from: 'a', to: 'c', type: 'depends-on' },
      { from: 'd', to: 'e', type: 'depends-on' },
    ]);
  });
});

describe('resolveDependencies for PyPI', () => {
  it('compares names the PEP 503 way', () => {
    const rels = resolveDependencies([
      pair('p', 'pypi', 'Flask', ['jinja2>=3.1', 'typing-extensions']),
      pair('j', 'pypi', 'Jinja2', []),
      pair('t', 'pypi', 'typing_extensions', []),
    ]);
    expect(rels).toEqual([
      { from: 'p', to: 'j', type: 'depends-on' },
      { from: 'p', to: 't', type: 'depends-on' },
    ]);
  });
});

describe('resolveDependencies for application packages', () => {
  const at = (p: ReturnType<typeof pair>, path: string) => ({ ...p, pkg: { ...p.pkg, locations: [{ path, layer: 0 }] } });
  it('keeps a lockfile\'s edges inside that lockfile', () => {
    const rels = resolveDependencies([
      at(pair('a1', 'npm', 'app', ['lodash']), 'one/package-lock.json'),
      at(pair('l1', 'npm', 'lodash', []), 'one/package-lock.json'),
      at(pair('l2', 'npm', 'lodash', []), 'two/package-lock.json'),
    ]);
    expect(rels).toEqual([{ from: 'a1', to: 'l1', type: 'depends-on' }]);
  });

  it('follows Node module resolution between installed packages', () => {
    const rels = resolveDependencies([
      at(pair('a', 'npm', 'a', ['ms']), 'app/node_modules/a/package.json'),
      at(pair('ms-nested', 'npm', 'ms', []), 'app/node_modules/a/node_modules/ms/package.json'),
      at(pair('b', 'npm', 'b', ['ms']), 'app/node_modules/b/package.json'),
      at(pair('ms-top', 'npm', 'ms', []), 'app/node_modules/ms/package.json'),
      at(pair('ms-other', 'npm', 'ms', []), 'other/node_modules/ms/package.json'),
    ]);
    expect(rels).toEqual([
      { from: 'a', to: 'ms-nested', type: 'depends-on' },
      { from: 'b', to: 'ms-top', type: 'depends-on' },
    ]);
  });

  it('links elsewhere only when one package has the name', () => {
    const rels = resolveDependencies([
      at(pair('f', 'pypi', 'flask', ['jinja2', 'click']), 'site-packages/flask.dist-info/METADATA'),
      at(pair('j', 'pypi', 'Jinja2', []), 'site-packages/jinja2.dist-info/METADATA'),
      at(pair('c1', 'pypi', 'click', []), 'a/site-packages/click.dist-info/METADATA'),
      at(pair('c2', 'pypi', 'click', []), 'b/site-packages/click.dist-info/METADATA'),
    ]);
    expect(rels).toEqual([{ from: 'f', to: 'j', type: 'depends-on' }]);
  });
});
