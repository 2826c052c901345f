import { describe, expect, it } from 'vitest';
import { baseName, normaliseImagePath, parentOf } from './paths.js';

describe('normaliseImagePath', () => {
  it.each([
    ['./etc/os-release', 'etc/os-release'],
    ['/usr/bin/zcat', 'usr/bin/zcat'],
    ['usr//lib/./x/', 'usr/lib/x'],
    ['a/b/../c', 'a/c'],
    ['./', undefined],
    ['/', undefined],
  ])('%s -> %s', (raw, want) => {
    expect(normaliseImagePath(raw)).toBe(want);
  });

  it.each(['../etc/passwd', 'a/../../b', '/..'])('rejects %s', (raw) => {
    expect(() => normaliseImagePath(raw, 'layer.tar')).toThrow(/escapes the image root/);
  });

  it('splits parent and base name', () => {
    expect(parentOf('usr/bin/zcat')).toBe('usr/bin');
    expect(parentOf('etc')).toBe('');
    expect(baseName('usr/bin/zcat')).toBe('zcat');
  });
});
