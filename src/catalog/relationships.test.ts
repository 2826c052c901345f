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
