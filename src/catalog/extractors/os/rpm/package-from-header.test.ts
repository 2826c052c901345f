import { describe, expect, it } from 'vitest';
import { parseHeader } from './header.js';
import { writeHeader, type HeaderField } from './testdata/header-writer.js';
import { packageFromHeader, type PackageFromHeader } from './package-from-header.js';
import { RpmTag } from './tags.js';

const str = (tag: number, value: string): HeaderField => ({ tag, value: { type: 'string', value } });
const strs = (tag: number, value: string[]): HeaderField => ({ tag, value: { type: 'strings', value } });
const int32 = (tag: number, value: number[]): HeaderField => ({ tag, value: { type: 'int32', value } });

const BASE: HeaderField[] = [
  str(RpmTag.NAME, 'openssl-libs'),
  str(RpmTag.VERSION, '3.0.7'),
  str(RpmTag.RELEASE, '27.el9'),
  str(RpmTag.ARCH, 'x86_64'),
];

function build(fields: HeaderField[]): PackageFromHeader {
  const parsed = parseHeader(writeHeader(fields));
  if (!parsed.ok) throw new Error(parsed.reason);
  return packageFromHeader(parsed.header, 'var/lib/rpm/rpmdb.sqlite', 7);
}

function pkgOf(fields: HeaderField[]): Extract<PackageFromHeader, { kind: 'package' }> {
  const result = build(fields);
  if (result.kind !== 'package') throw new Error(`expected a package, got ${result.kind}`);
  return result;
}

describe('packageFromHeader', () => {
  it('maps every field', () => {
    const { pkg, problems } = pkgOf([
      ...BASE,
      { tag: RpmTag.EPOCH, value: { type: 'int32', value: [1] } },
      str(RpmTag.SOURCERPM, 'openssl-3.0.7-27.el9.src.rpm'),
      str(RpmTag.LICENSE, 'ASL 2.0'),
      str(RpmTag.VENDOR, 'Red Hat, Inc.'),
      { tag: RpmTag.SUMMARY, value: { type: 'i18n', value: ['A general purpose cryptography library', 'Bibliothek'] } },
      int32(RpmTag.SIZE, [1234]),
      str(RpmTag.MODULARITYLABEL, 'nodejs:18:9020020230522:rhel9'),
      { tag: RpmTag.SIGMD5, value: { type: 'bin', value: Buffer.from('c1e561f13d39aee443a1f00258fba000', 'hex') } },
      strs(RpmTag.PROVIDENAME, ['openssl-libs', 'libssl.so.3()(64bit)', 'openssl-libs']),
      strs(RpmTag.REQUIRENAME, ['/sbin/ldconfig', 'rpmlib(PayloadIsZstd)', 'libc.so.6()(64bit)', 'libssl.so.3()(64bit)', '/sbin/ldconfig', '/usr/lib64/libssl.so.3']),
      strs(RpmTag.DIRNAMES, ['/usr/lib64/', '/etc/pki/tls/']),
      int32(RpmTag.DIRINDEXES, [0, 1]),
      strs(RpmTag.BASENAMES, ['libssl.so.3', 'openssl.cnf']),
      strs(RpmTag.FILEDIGESTS, ['AB'.repeat(32), '']),
      int32(RpmTag.FILEDIGESTALGO, [8]),
      int32(RpmTag.FILESIZES, [123, 45]),
      { tag: RpmTag.FILEMODES, value: { type: 'int16', value: [0o100755, 0o100644] } },
      int32(RpmTag.FILEFLAGS, [0, 1 | 16]),
    ]);
    expect(problems).toEqual([]);
    expect(pkg).toEqual({
      ecosystem: 'rpm',
      name: 'openssl-libs',
      version: '1:3.0.7-27.el9',
      arch: 'x86_64',
      source: { name: 'openssl', version: '3.0.7-27.el9' },
      licenses: ['ASL 2.0'],
      evidence: 'var/lib/rpm/rpmdb.sqlite',
      ownedFiles: [
        { path: 'usr/lib64/libssl.so.3', digest: { algorithm: 'sha256', value: 'ab'.repeat(32) }, size: 123, mode: 0o100755 },
        { path: 'etc/pki/tls/openssl.cnf', size: 45, mode: 0o100644, config: true },
      ],
      // rpmlib() dropped, duplicates dropped, self-provided (libssl.so.3, its own file) dropped.
      dependsOn: ['/sbin/ldconfig', 'libc.so.6()(64bit)'],
      metadata: {
        kind: 'rpm',
        epoch: 1,
        release: '27.el9',
        dbInstance: 7,
        sourceRpm: 'openssl-3.0.7-27.el9.src.rpm',
        vendor: 'Red Hat, Inc.',
        size: 1234,
        summary: 'A general purpose cryptography library',
        modularityLabel: 'nodejs:18:9020020230522:rhel9',
        sigmd5: 'c1e561f13d39aee443a1f00258fba000',
        provides: ['openssl-libs', 'libssl.so.3()(64bit)'],
      },
    });
  });

  it('writes an explicit epoch 0, and no epoch when the tag is absent', () => {
    expect(pkgOf([...BASE, int32(RpmTag.EPOCH, [0])]).pkg.version).toBe('0:3.0.7-27.el9');
    const { pkg } = pkgOf(BASE);
    expect(pkg.version).toBe('3.0.7-27.el9');
    expect(pkg.metadata).toEqual({ kind: 'rpm', release: '27.el9', dbInstance: 7 });
    expect(pkg.licenses).toEqual([]);
    expect(pkg.ownedFiles).toBeUndefined();
    expect(pkg.dependsOn).toBeUndefined();
  });

  it('prefers LONGSIZE to SIZE', () => {
    const { pkg } = pkgOf([...BASE, int32(RpmTag.SIZE, [1]), { tag: RpmTag.LONGSIZE, value: { type: 'int64', value: [6_000_000_000] } }]);
    expect(pkg.metadata).toMatchObject({ size: 6_000_000_000 });
  });

  it('skips gpg-pubkey pseudo-packages', () => {
    expect(build([str(RpmTag.NAME, 'gpg-pubkey'), str(RpmTag.VERSION, 'fd431d51'), str(RpmTag.RELEASE, '4ae0493b')])).toEqual({
      kind: 'skipped',
    });
  });

  it.each([
    ['no NAME', BASE.slice(1)],
    ['no VERSION', [BASE[0], BASE[2]] as HeaderField[]],
    ['empty NAME', [str(RpmTag.NAME, ''), ...BASE.slice(1)]],
  ])('a header with %s is bad', (_name, fields) => {
    expect(build(fields)).toEqual({ kind: 'bad', reason: 'header has no NAME, VERSION or RELEASE' });
  });

  it('a tag of the wrong type makes the header bad, with the reason', () => {
    expect(build([...BASE, str(RpmTag.EPOCH, '1')])).toEqual({ kind: 'bad', reason: 'tag 1003 is type 6, not an integer' });
  });

  it('reads legacy OLDFILENAMES with the md5 default', () => {
    const { pkg } = pkgOf([...BASE, strs(RpmTag.OLDFILENAMES, ['/bin/sh', '/etc/motd']), strs(RpmTag.FILEDIGESTS, ['0123456789ABCDEF'.repeat(2), 'x'])]);
    expect(pkg.ownedFiles).toEqual([
      { path: 'bin/sh', digest: { algorithm: 'md5', value: '0123456789abcdef'.repeat(2) } },
      { path: 'etc/motd' },
    ]);
  });

  it('leaves out digests of an algorithm grout does not record (sha384) and says so', () => {
    const { pkg, problems } = pkgOf([
      ...BASE,
      strs(RpmTag.OLDFILENAMES, ['/a']),
      strs(RpmTag.FILEDIGESTS, ['ab'.repeat(48)]),
      int32(RpmTag.FILEDIGESTALGO, [9]),
    ]);
    expect(pkg.ownedFiles).toEqual([{ path: 'a' }]);
    expect(problems).toEqual(['file digest algorithm 9 is not one grout records; digests left out']);
  });

  it('reports per-file arrays of the wrong length and keeps the paths', () => {
    const { pkg, problems } = pkgOf([...BASE, strs(RpmTag.OLDFILENAMES, ['/a', '/b']), int32(RpmTag.FILESIZES, [1])]);
    expect(pkg.ownedFiles).toEqual([{ path: 'a' }, { path: 'b' }]);
    expect(problems).toEqual(['FILESIZES has 1 values for 2 files; ignored']);
  });

  it('reports a directory index out of range and keeps the package without files', () => {
    const { pkg, problems } = pkgOf([
      ...BASE,
      strs(RpmTag.DIRNAMES, ['/usr/']),
      int32(RpmTag.DIRINDEXES, [0, 5]),
      strs(RpmTag.BASENAMES, ['a', 'b']),
    ]);
    expect(pkg.ownedFiles).toBeUndefined();
    expect(problems).toEqual(['file 1 points at directory 5 of 1; files left out']);
  });

  it('reports BASENAMES without DIRINDEXES', () => {
    const { problems } = pkgOf([...BASE, strs(RpmTag.BASENAMES, ['a'])]);
    expect(problems).toEqual(['BASENAMES has 1 entries but DIRINDEXES has none and DIRNAMES none; files left out']);
  });
});
