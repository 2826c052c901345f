import { describe, expect, it } from 'vitest';
import { maxPathLength, mergeOwnedFiles, normaliseOwnedPath, parseConffiles, parseListFile, parseMd5sums } from './owned-files.js';

function collect<T>(fn: (report: (r: string) => void) => T): { value: T; problems: string[] } {
  const problems: string[] = [];
  return { value: fn((r) => problems.push(r)), problems };
}

describe('normaliseOwnedPath', () => {
  it.each([
    ['/usr/bin/tar', 'usr/bin/tar', false],
    ['usr/bin/tar', 'usr/bin/tar', false],
    ['//usr/./bin//tar/', 'usr/bin/tar', false],
    ['/.', '', false],
    ['/usr/../etc/passwd', 'etc/passwd', true],
    ['/../../etc/shadow', 'etc/shadow', true],
    ['../..', '', true],
  ])('%j → %j', (raw, path, dotDot) => {
    expect(normaliseOwnedPath(raw)).toEqual({ path, dotDot });
  });
});

describe('parseListFile', () => {
  it('keeps every path in order, directories included, without the root', () => {
    expect(collect((r) => parseListFile('/.\n/usr\n/usr/bin\n/usr/bin/a b\r\n\n', r))).toEqual({
      value: ['usr', 'usr/bin', 'usr/bin/a b'],
      problems: [],
    });
  });

  it('normalises ".." paths as text, never escaping the tree, and says so once', () => {
    expect(collect((r) => parseListFile('/usr/../../etc/passwd\n/../x\n/ok\n', r))).toEqual({
      value: ['etc/passwd', 'x', 'ok'],
      problems: ['2 paths with ".." segments, normalised lexically'],
    });
  });

  it('skips over-long paths', () => {
    expect(collect((r) => parseListFile(`/${'a'.repeat(maxPathLength + 1)}\n/b\n`, r))).toEqual({
      value: ['b'],
      problems: [`1 paths longer than ${maxPathLength} characters skipped`],
    });
  });
});

describe('parseMd5sums', () => {
  it('reads "<md5>  <path>" lines, paths with spaces included, and counts bad lines', () => {
    const { value, problems } = collect((r) =>
      parseMd5sums('25de5fcdc3c8ebd9c9f599fb7a899b40  usr/bin/tar\n5bf0e62990e0b668830ceb2c8615b497  usr/share/a b\nnot a digest\nzz  x\n', r),
    );
    expect([...value]).toEqual([
      ['usr/bin/tar', { algorithm: 'md5', value: '25de5fcdc3c8ebd9c9f599fb7a899b40' }],
      ['usr/share/a b', { algorithm: 'md5', value: '5bf0e62990e0b668830ceb2c8615b497' }],
    ]);
    expect(problems).toEqual(['2 lines are not "<md5>  <path>" (first at line 3)']);
  });
});

describe('parseConffiles', () => {
  it('reads path, hash and flags; a path may contain spaces', () => {
    const { value, problems } = collect((r) =>
      parseConffiles(
        '\n/etc/a 0123456789abcdef0123456789abcdef\n/etc/b c d fedcba9876543210fedcba9876543210 obsolete\n/etc/new newconffile\n/etc/gone newconffile remove-on-upgrade\nlonely\n',
        r,
      ),
    );
    expect(value).toEqual([
      { path: 'etc/a', digest: { algorithm: 'md5', value: '0123456789abcdef0123456789abcdef' }, shipped: true },
      { path: 'etc/b c d', digest: { algorithm: 'md5', value: 'fedcba9876543210fedcba9876543210' }, shipped: false },
      { path: 'etc/new', shipped: true },
      { path: 'etc/gone', shipped: false },
    ]);
    expect(problems).toEqual(['Conffiles: 1 lines are not "<path> <hash>"']);
  });
});

describe('mergeOwnedFiles', () => {
  it('unites list, md5sums and shipped conffiles, sorted by path', () => {
    const md5 = { algorithm: 'md5', value: '0'.repeat(32) } as const;
    const conf = { algorithm: 'md5', value: '1'.repeat(32) } as const;
    expect(
      mergeOwnedFiles(
        ['usr/bin', 'usr/bin/x', 'etc/x.conf'],
        new Map([['usr/bin/x', md5], ['usr/only-in-md5sums', md5]]),
        [
          { path: 'etc/x.conf', digest: conf, shipped: true },
          { path: 'etc/old.conf', digest: conf, shipped: false },
        ],
      ),
    ).toEqual([
      { path: 'etc/x.conf', digest: conf, config: true },
      { path: 'usr/bin' },
      { path: 'usr/bin/x', digest: md5 },
      { path: 'usr/only-in-md5sums', digest: md5 },
    ]);
  });
});
