import { describe, expect, it } from 'vitest';
import { cleanToken, hexDigest, installState, parseInstalledSize, parseSource, relationNames, splitRelations } from './fields.js';

describe('installState', () => {
  it.each([
    ['install ok installed', 'installed'],
    ['hold ok installed', 'installed'],
    ['install user installed', 'installed'],
    ['deinstall reinstreq installed', 'installed'],
    ['purge ok installed', 'installed'],
    ['install ok triggers-pending', 'installed'],
    ['install ok triggers-awaited', 'installed'],
    ['install ok half-configured', 'not-installed'],
    ['install ok unpacked', 'not-installed'],
    ['install reinstreq half-installed', 'not-installed'],
    ['deinstall ok config-files', 'not-installed'],
    ['purge ok not-installed', 'not-installed'],
    ['  install   ok   installed  ', 'installed'],
    ['installed', 'malformed'],
    ['', 'malformed'],
    ['install ok installed extra', 'malformed'],
  ])('%j → %s', (status, state) => {
    expect(installState(status)).toBe(state);
  });
});

describe('relations', () => {
  it('splits on commas across continuation lines, keeping entries as written', () => {
    expect(splitRelations('a (>= 1), b | c,\n d, , ')).toEqual(['a (>= 1)', 'b | c', 'd']);
  });

  it('names every alternative without versions, arch lists, profiles or :any', () => {
    expect(relationNames(['libc6 (>= 2.34)', 'perl:any', 'foo [amd64] <!nocheck> | bar (>> 1)', 'libc6', 'python3:amd64 (>= 3)'])).toEqual([
      'libc6',
      'perl',
      'foo',
      'bar',
      'python3',
    ]);
  });

  it('drops names that are not names', () => {
    expect(relationNames(['(>= 1)', '| a', `${'x'.repeat(300)}`])).toEqual(['a']);
  });
});

describe('parseSource', () => {
  it.each([
    [undefined, { name: 'bin', version: '1.0-1' }],
    ['src', { name: 'src', version: '1.0-1' }],
    ['src (2:1.0-1)', { name: 'src', version: '2:1.0-1' }],
    ['src(1.0)', { name: 'src', version: '1.0' }],
    ['src ( 1.0 )', { name: 'src', version: '1.0' }],
    ['src (', { name: 'src', version: '1.0-1' }],
    ['', { name: 'bin', version: '1.0-1' }],
  ])('Source: %j', (value, want) => {
    expect(parseSource(value, 'bin', '1.0-1')).toEqual(want);
  });
});

describe('parseInstalledSize', () => {
  it.each([
    ['1016', 1016],
    [' 0 ', 0],
    ['4KB', 4],
    ['1kib', 1],
    ['1 MiB', 1024],
    ['1 mb', 977],
    ['2.5k', 3],
    ['999999999999999', 999_999_999_999_999],
    ['9999999999999999999999', undefined],
    ['999999999999999 GiB', undefined],
    ['-5', undefined],
    ['12 apples', undefined],
    ['', undefined],
  ])('%j → %j', (value, want) => {
    expect(parseInstalledSize(value)).toBe(want);
  });
});

describe('tokens and digests', () => {
  it('accepts printable ASCII names, versions and architectures without spaces or slashes', () => {
    expect(cleanToken('libstdc++6')).toBe('libstdc++6');
    expect(cleanToken('1:2.3~rc1+dfsg-4')).toBe('1:2.3~rc1+dfsg-4');
    for (const bad of ['', 'a b', 'a\tb', 'a/b', '../x', 'a\u0000', 'caf\u00e9', '1\ufffd', 'x'.repeat(257), undefined]) expect(cleanToken(bad)).toBeUndefined();
  });

  it('tells the algorithm by length and lower-cases', () => {
    expect(hexDigest('0123456789ABCDEF0123456789abcdef')).toEqual({ algorithm: 'md5', value: '0123456789abcdef0123456789abcdef' });
    expect(hexDigest('a'.repeat(64))).toEqual({ algorithm: 'sha256', value: 'a'.repeat(64) });
    expect(hexDigest('newconffile')).toBeUndefined();
    expect(hexDigest('abc')).toBeUndefined();
  });
});
