import { describe, expect, it } from 'vitest';
import { archSatisfies, parseProvides, parseRelations, versionSatisfies } from './relations.js';

describe('parseRelations', () => {
  it('reads groups, alternatives, qualifiers and versions; drops arch restrictions and profiles', () => {
    expect(parseRelations('libc6 (>= 2.36), libssl3 | libssl1.1 (<< 1.1.2), python3:any (>=3.11~), foo [amd64] <!nocheck>, old (< 1), older (> 2)')).toEqual([
      [{ name: 'libc6', op: '>=', version: '2.36' }],
      [{ name: 'libssl3' }, { name: 'libssl1.1', op: '<<', version: '1.1.2' }],
      [{ name: 'python3', qualifier: 'any', op: '>=', version: '3.11~' }],
      [{ name: 'foo' }],
      [{ name: 'old', op: '<=', version: '1' }],
      [{ name: 'older', op: '>=', version: '2' }],
    ]);
    expect(parseRelations(['a', 'b (= 1:2.0-1)'])).toEqual([[{ name: 'a' }], [{ name: 'b', op: '=', version: '1:2.0-1' }]]);
    expect(parseRelations(undefined)).toEqual([]);
  });

  it('says why it cannot read hostile fields', () => {
    expect(parseRelations('a (>= )')).toBe('the relationship "a (>= )" has an invalid version');
    expect(parseRelations('a (>= 1 2)')).toMatch(/cannot read/);
    expect(parseRelations('a (= v!)')).toBe('the relationship "a (= v!)" has an invalid version');
    expect(parseRelations('x,'.repeat(40_000))).toMatch(/longer than/);
  });
});

describe('versionSatisfies and archSatisfies', () => {
  it('compares as dpkg does', () => {
    expect(versionSatisfies('1.0~rc1', '<<', '1.0')).toBe(true);
    expect(versionSatisfies('1:0.9', '>>', '2.0')).toBe(true);
    expect(versionSatisfies('1.0', '=', '1.0-0')).toBe(true); // no revision compares like "0"
    expect(versionSatisfies('1.0', '=', '1.0-1')).toBe(false);
    expect(versionSatisfies('bad version', '>=', '1')).toBe(false);
    expect(versionSatisfies('anything', undefined, undefined)).toBe(true);
  });

  it('applies the Multi-Arch rules', () => {
    const native = 'amd64';
    expect(archSatisfies({ arch: 'all', multiArch: 'no' }, undefined, 'amd64', native)).toBe(true);
    expect(archSatisfies({ arch: 'i386', multiArch: 'no' }, undefined, 'amd64', native)).toBe(false);
    expect(archSatisfies({ arch: 'i386', multiArch: 'foreign' }, undefined, 'amd64', native)).toBe(true);
    expect(archSatisfies({ arch: 'i386', multiArch: 'allowed' }, 'any', 'amd64', native)).toBe(true);
    expect(archSatisfies({ arch: 'i386', multiArch: 'allowed' }, undefined, 'amd64', native)).toBe(false);
    expect(archSatisfies({ arch: 'amd64', multiArch: 'no' }, undefined, 'all', native)).toBe(true);
    expect(archSatisfies({ arch: 'i386', multiArch: 'same' }, 'i386', 'amd64', native)).toBe(true);
  });

  it('reads Provides with and without versions', () => {
    expect(parseProvides('libz (= 1:1.2.13), mail-transport-agent')).toEqual([{ name: 'libz', version: '1:1.2.13' }, { name: 'mail-transport-agent' }]);
    expect(parseProvides('((')).toEqual([]);
  });
});
