import { describe, expect, it } from 'vitest';
import { parseHeader, type RpmHeader } from './header.js';
import { ownedFilesFromHeader } from './owned-files.js';
import { RpmTag } from './tags.js';
import { writeHeader, type HeaderField } from './testdata/header-writer.js';

const strs = (tag: number, value: string[]): HeaderField => ({ tag, value: { type: 'strings', value } });
const int32 = (tag: number, value: number[]): HeaderField => ({ tag, value: { type: 'int32', value } });

function header(fields: HeaderField[]): RpmHeader {
  const parsed = parseHeader(writeHeader(fields));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.header;
}

const ONE_FILE = [strs(RpmTag.DIRNAMES, ['/usr/bin/']), int32(RpmTag.DIRINDEXES, [0]), strs(RpmTag.BASENAMES, ['tool'])];

describe('ownedFilesFromHeader', () => {
  it('joins DIRNAMES and BASENAMES through DIRINDEXES, without the leading slash', () => {
    const h = header([
      strs(RpmTag.DIRNAMES, ['/', '/etc/', '/usr/share/doc/pkg/']),
      int32(RpmTag.DIRINDEXES, [2, 0, 1, 2]),
      strs(RpmTag.BASENAMES, ['README', 'etc', 'pkg.conf', 'COPYING']),
    ]);
    expect(ownedFilesFromHeader(h)).toEqual({
      files: [{ path: 'usr/share/doc/pkg/README' }, { path: 'etc' }, { path: 'etc/pkg.conf' }, { path: 'usr/share/doc/pkg/COPYING' }],
      problems: [],
    });
  });

  it.each([
    [undefined, '0123456789abcdef0123456789abcdef', 'md5'],
    [1, '0123456789abcdef0123456789abcdef', 'md5'],
    [2, 'a'.repeat(40), 'sha1'],
    [8, 'b'.repeat(64), 'sha256'],
    [10, 'c'.repeat(128), 'sha512'],
  ] as const)('FILEDIGESTALGO %s gives %s digests', (algo, digest, want) => {
    const fields = [...ONE_FILE, strs(RpmTag.FILEDIGESTS, [digest])];
    if (algo !== undefined) fields.push(int32(RpmTag.FILEDIGESTALGO, [algo]));
    expect(ownedFilesFromHeader(header(fields)).files).toEqual([{ path: 'usr/bin/tool', digest: { algorithm: want, value: digest } }]);
  });

  it.each([
    ['a digest of the wrong length', 'abc'],
    ['a digest that is not hex', 'z'.repeat(64)],
    ['an empty digest (directories, symlinks)', ''],
  ])('leaves out %s', (_name, digest) => {
    const files = ownedFilesFromHeader(header([...ONE_FILE, strs(RpmTag.FILEDIGESTS, [digest]), int32(RpmTag.FILEDIGESTALGO, [8])])).files;
    expect(files).toEqual([{ path: 'usr/bin/tool' }]);
  });

  it('prefers LONGFILESIZES and marks only %config files', () => {
    const h = header([
      ...ONE_FILE,
      int32(RpmTag.FILESIZES, [1]),
      { tag: RpmTag.LONGFILESIZES, value: { type: 'int64', value: [5_000_000_000] } },
      int32(RpmTag.FILEFLAGS, [2]),
    ]);
    expect(ownedFilesFromHeader(h).files).toEqual([{ path: 'usr/bin/tool', size: 5_000_000_000 }]);
  });

  it('gives nothing for a package without files', () => {
    expect(ownedFilesFromHeader(header([strs(RpmTag.PROVIDENAME, ['x'])]))).toEqual({ files: [], problems: [] });
  });
});
