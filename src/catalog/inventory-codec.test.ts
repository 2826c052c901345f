import { describe, expect, it } from 'vitest';
import type { FileRecord, ImageDescription, Inventory } from '../core/model.js';
import { unownedExecutableFiles } from './file-subsets.js';
import { GroutError } from '../core/errors.js';
import { decodeInventoryPayload, encodeInventoryPayload, InventoryCodecError } from './inventory-codec.js';

const image: ImageDescription = { reference: 'r', transport: 'oci', tags: [], layers: [], labels: {} };

/** An inventory with plain, wide (non-ASCII) and JSON-fallback values; with or without unowned executables. */
function sample(withUnowned: boolean): Inventory {
  const files: FileRecord[] = [
    { path: 'usr/bin/owned', layer: 0, size: 10, mode: 0o755, type: 'file', owners: ['p'], sha256: 'a'.repeat(64), executable: { format: 'elf', elfType: 'executable', machine: 'x86-64', interpreter: '/lib64/ld-linux-x86-64.so.2' } },
    { path: 'usr/share/doc/café/ü-日本', layer: 1, size: 2 ** 40 + 3, mode: 0o644, type: 'file', owners: ['p'], digests: [{ algorithm: 'md5', value: 'ab' }, { algorithm: 'sha256', value: 'cd' }] },
    { path: 'usr/lib/link', layer: 1, size: 0, mode: 0o777, type: 'symlink', linkTarget: 'x\ud800y', owners: ['p', 'q'] },
    { path: 'opt/odd', layer: 0, size: 1.5, mode: -1, type: 'file', owners: ['gone'], digests: [{ algorithm: 'md5', value: 'é' }] },
    { path: 'usr/local/share/data', layer: 2, size: 9, mode: 0o644, type: 'file', owners: [] },
  ];
  if (withUnowned) {
    files.push(
      { path: 'usr/local/bin/tool-ß', layer: 2, size: 9, mode: 0o755, type: 'file', owners: [], sha256: '1'.repeat(64), executable: { format: 'elf', elfType: 'executable', machine: 'x86-64' } },
      { path: 'usr/local/lib/libx.so', layer: 2, size: 2 ** 33, mode: 0o644, type: 'file', owners: [], sha256: '2'.repeat(64), executable: { format: 'elf', elfType: 'shared-library', machine: 'x86-64' } },
      { path: 'usr/local/bin/run', layer: 3, size: 0, mode: 0o755, type: 'file', owners: [], executable: { format: 'script', shebang: '/bin/sh' } },
    );
  }
  return {
    image,
    packages: [
      { id: 'p', ecosystem: 'npm', name: 'p', version: '1', purl: 'pkg:npm/p@1', licenses: [], foundBy: 'x@1', locations: [], files: ['usr/bin/owned', 'usr/share/doc/café/ü-日本', 'usr/lib/link', 'not-a-record'] },
      { id: 'q', ecosystem: 'npm', name: 'q', version: '1', purl: 'pkg:npm/q@1', licenses: [], foundBy: 'x@1', locations: [], files: ['usr/lib/link'] },
    ],
    files,
    relationships: [{ from: 'p', to: 'q', type: 'depends-on' }],
    issues: [{ path: 'opt/odd', stage: 's', reason: 'r' }],
    extractors: ['x@1'],
    distro: { id: 'debian', source: 'etc/os-release' },
  };
}

const roundTrip = (inv: Inventory): Inventory => decodeInventoryPayload(Buffer.concat(encodeInventoryPayload(inv)), inv.image);
const filtered = (inv: Inventory): FileRecord[] => inv.files.filter((f) => f.owners.length === 0 && f.executable !== undefined);
const lazy = (target: object, key: string): boolean => Object.getOwnPropertyDescriptor(target, key)?.get !== undefined;

/** The payload's four sections, to rebuild it with one of them changed. */
function sections(payload: Buffer): { header: Record<string, unknown>; ascii: Buffer; wide: Buffer; numbers: Buffer } {
  const lengths = [4, 8, 12, 16].map((at) => payload.readUInt32LE(at));
  const [h, a, w] = lengths as [number, number, number, number];
  return {
    header: JSON.parse(payload.toString('utf8', 20, 20 + h)) as Record<string, unknown>,
    ascii: payload.subarray(20 + h, 20 + h + a),
    wide: payload.subarray(20 + h + a, 20 + h + a + w),
    numbers: payload.subarray(20 + h + a + w),
  };
}

function assemble(magic: Buffer, parts: { header: unknown; ascii: Buffer; wide: Buffer; numbers: Buffer }): Buffer {
  const header = Buffer.from(JSON.stringify(parts.header), 'utf8');
  const prefix = Buffer.alloc(20);
  magic.copy(prefix, 0, 0, 4);
  [header, parts.ascii, parts.wide, parts.numbers].forEach((part, i) => prefix.writeUInt32LE(part.length, 4 + 4 * i));
  return Buffer.concat([prefix, header, parts.ascii, parts.wide, parts.numbers]);
}

describe('the lazily decoded inventory', () => {
  for (const withUnowned of [false, true]) {
    it(`equals the original, JSON byte for byte and key order included (${withUnowned ? 'with' : 'without'} unowned executables)`, () => {
      const inv = sample(withUnowned);
      const back = roundTrip(inv);
      expect(lazy(back, 'files')).toBe(true);
      expect(Object.keys(back)).toEqual(Object.keys(inv));
      expect(JSON.stringify(back)).toBe(JSON.stringify(inv));
      expect(back).toEqual(inv);
      expect(Object.keys(back.packages[0]!)).toEqual(Object.keys(inv.packages[0]!));
      for (const [i, file] of back.files.entries()) expect(Object.keys(file)).toEqual(Object.keys(inv.files[i]!));
    });

    it(`gives the unowned executables without building the records, exactly as filtering them would (${withUnowned ? 'with' : 'without'})`, () => {
      const inv = sample(withUnowned);
      const back = roundTrip(inv);
      const subset = unownedExecutableFiles(back);
      expect(lazy(back, 'files')).toBe(true);
      expect(JSON.stringify(subset)).toBe(JSON.stringify(filtered(inv)));
      expect(subset).toEqual(filtered(inv));
      expect(subset).toHaveLength(withUnowned ? 3 : 0);
      // And the same as filtering the records once built.
      expect(subset).toEqual(filtered(back));
      expect(JSON.stringify(subset)).toBe(JSON.stringify(filtered(back)));
    });
  }

  it('is a plain, writable data property once read, and can be assigned before it is read', () => {
    const back = roundTrip(sample(true));
    const before = Object.getOwnPropertyDescriptor(back, 'files')!;
    expect(before.enumerable).toBe(true);
    const files = back.files;
    expect(back.files).toBe(files);
    expect(Object.getOwnPropertyDescriptor(back, 'files')).toEqual({ value: files, writable: true, enumerable: true, configurable: true });
    expect(Object.getOwnPropertyDescriptor(back.packages[0]!, 'files')!.get).toBeDefined();
    expect(back.packages[0]!.files).toEqual(['usr/bin/owned', 'usr/share/doc/café/ü-日本', 'usr/lib/link', 'not-a-record']);
    expect(Object.getOwnPropertyDescriptor(back.packages[0]!, 'files')!.writable).toBe(true);

    const other = roundTrip(sample(false));
    other.files = [];
    expect(Object.getOwnPropertyDescriptor(other, 'files')).toEqual({ value: [], writable: true, enumerable: true, configurable: true });
    expect(Object.keys(other)).toEqual(Object.keys(sample(false)));
  });

  it('survives a spread and structuredClone like a plain object', () => {
    const inv = sample(true);
    const back = roundTrip(inv);
    const spread = { ...back };
    expect(Object.keys(spread)).toEqual(Object.keys(inv));
    expect(JSON.stringify(spread)).toBe(JSON.stringify(inv));
    expect(structuredClone(roundTrip(inv))).toEqual(inv);
  });

  it('keeps an inventory with no files and one whose every file is an unowned executable', () => {
    const empty = { ...sample(false), files: [], packages: [] };
    expect(JSON.stringify(roundTrip(empty))).toBe(JSON.stringify(empty));
    expect(unownedExecutableFiles(roundTrip(empty))).toEqual([]);
    const all = sample(true);
    all.files = filtered(all);
    all.packages = [];
    all.relationships = [];
    expect(unownedExecutableFiles(roundTrip(all))).toEqual(all.files);
    expect(JSON.stringify(roundTrip(all))).toBe(JSON.stringify(all));
  });

  it('decodes many records, a chunk of text at a time, lazily and identically', () => {
    const files: FileRecord[] = Array.from({ length: 5000 }, (_, i) => ({
      path: i % 7 === 0 ? `usr/lib/ü/${i}` : `usr/lib/${i}`,
      layer: i % 3,
      size: i * 1000,
      mode: 0o644,
      type: 'file' as const,
      owners: i % 5 === 0 ? [] : ['p'],
      ...(i % 10 === 0 ? { sha256: i.toString(16).padStart(64, '0'), executable: { format: 'elf' as const, elfType: 'shared-library' as const } } : {}),
    }));
    const inv = { ...sample(false), files, packages: [{ ...sample(false).packages[0]!, files: files.filter((f) => f.owners.length > 0).map((f) => f.path) }], relationships: [] };
    const back = roundTrip(inv);
    expect(unownedExecutableFiles(back)).toEqual(filtered(inv));
    expect(unownedExecutableFiles(back)).toHaveLength(500);
    expect(JSON.stringify(back)).toBe(JSON.stringify(inv));
  });
});

/**
 * Read every record and owned path: true when that works, false when it fails as a damaged cache entry must (an
 * error naming the cache and how to clear it); any other error fails the test.
 */
function readsWhole(inv: Inventory): boolean {
  try {
    JSON.stringify({ files: inv.files, owned: inv.packages.map((p) => p.files) });
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(GroutError);
    expect((err as GroutError).message).toMatch(/the cached inventory of .* is damaged/);
    expect((err as GroutError).hint).toMatch(/grout cache clean/);
    return false;
  }
}

describe('a damaged payload', () => {
  const payload = Buffer.concat(encodeInventoryPayload(sample(true)));
  const magic = payload.subarray(0, 4);

  it('still fails at decode, with InventoryCodecError, for every truncation', () => {
    for (let cut = 0; cut < payload.length; cut++) {
      expect(() => decodeInventoryPayload(payload.subarray(0, cut), image)).toThrow(InventoryCodecError);
    }
  });

  it('for every changed byte, fails at decode with InventoryCodecError, or when its records are read with an error naming the cache, or reads whole', () => {
    let refused = 0;
    let refusedLater = 0;
    for (let at = 0; at < payload.length; at++) {
      for (const flip of [0x01, 0x02, 0x40, 0x80, 0xff]) {
        const bad = Buffer.from(payload);
        bad[at]! ^= flip;
        let back: Inventory;
        try {
          back = decodeInventoryPayload(bad, image);
        } catch (err) {
          expect(err).toBeInstanceOf(InventoryCodecError);
          refused++;
          continue;
        }
        // What CycloneDX, the table and `scan` read never needs the records.
        expect(() => JSON.stringify({ packages: back.packages.map((p) => p.name), unowned: unownedExecutableFiles(back) })).not.toThrow();
        // The records are built when first read, after their number stream is checked whole.
        if (!readsWhole(back)) {
          refusedLater++;
          continue;
        }
        expect(back.files).toHaveLength(sample(true).files.length);
        for (const pkg of back.packages) expect(pkg.files.filter((path) => typeof path !== 'string'), `${at} ${flip}`).toEqual([]);
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(refusedLater).toBeGreaterThan(0);
  });

  it('refuses a number stream that does not match the header: at decode, or before any record is built', () => {
    const good = sections(payload);
    expect(JSON.stringify(decodeInventoryPayload(assemble(magic, good), image))).toBe(JSON.stringify(sample(true)));
    const shapes = (good.header['shapes'] as unknown[]).length;
    const cases: [string, Parameters<typeof assemble>[1]][] = [
      ['a shape out of range', { ...good, numbers: Buffer.concat([Buffer.from([shapes]), good.numbers.subarray(1)]) }],
      ['a number too long', { ...good, numbers: Buffer.concat([Buffer.alloc(8, 0x80), good.numbers.subarray(1)]) }],
      ['numbers left over', { ...good, numbers: Buffer.concat([good.numbers, Buffer.from([0])]) }],
      ['numbers cut short', { ...good, numbers: good.numbers.subarray(0, good.numbers.length - 1) }],
      ['ASCII text left over', { ...good, ascii: Buffer.concat([good.ascii, Buffer.from('x')]) }],
      ['ASCII text cut short', { ...good, ascii: good.ascii.subarray(1) }],
      ['other text left over', { ...good, wide: Buffer.concat([good.wide, Buffer.from('é')]) }],
      ['a JSON value too many', { ...good, header: { ...good.header, json: [...(good.header['json'] as unknown[]), 1] } }],
      ['a JSON value too few', { ...good, header: { ...good.header, json: (good.header['json'] as unknown[]).slice(1) } }],
      ['a word missing', { ...good, header: { ...good.header, words: [] } }],
      ['a package missing (owner out of range)', { ...good, header: { ...good.header, packages: (good.header['packages'] as unknown[]).slice(0, 1) } }],
      ['an unknown value layout', { ...good, header: { ...good.header, shapes: (good.header['shapes'] as string[][]).map((shape) => shape.map((entry) => `?${entry.slice(1)}`)) } }],
      [
        'an owned file out of range',
        { ...good, header: { ...good.header, packages: (good.header['packages'] as { files: unknown[] }[]).map((pkg) => ({ ...pkg, files: [...pkg.files, 99] })) } },
      ],
      ['a fractional owned file', { ...good, header: { ...good.header, packages: (good.header['packages'] as { files: unknown[] }[]).map((pkg) => ({ ...pkg, files: [0.5] })) } }],
      ['bad unowned files', { ...good, header: { ...good.header, unowned: [{ path: 3 }] } }],
      ['more records', { ...good, header: { ...good.header, count: (good.header['count'] as number) + 1 } }],
      ['fewer records', { ...good, header: { ...good.header, count: (good.header['count'] as number) - 1 } }],
    ];
    for (const [name, parts] of cases) {
      let back: Inventory;
      try {
        back = decodeInventoryPayload(assemble(magic, parts), image);
      } catch (err) {
        expect(err, name).toBeInstanceOf(InventoryCodecError);
        continue;
      }
      expect(readsWhole(back), name).toBe(false);
    }
  });

  it('is refused when written by another layout version', () => {
    expect(() => decodeInventoryPayload(assemble(Buffer.from('GIC2'), sections(payload)), image)).toThrow(InventoryCodecError);
  });
});
