import { describe, expect, it } from 'vitest';
import { HeaderFormatError, parseHeader, type RpmHeader } from './header.js';
import { writeHeader, type HeaderField } from './testdata/header-writer.js';
import { RpmTag, RpmType } from './tags.js';

const FIELDS: HeaderField[] = [
  { tag: RpmTag.NAME, value: { type: 'string', value: 'bash' } },
  { tag: RpmTag.SUMMARY, value: { type: 'i18n', value: ['The GNU Bourne Again shell', 'Die GNU Bourne Again Shell'] } },
  { tag: RpmTag.FILEMODES, value: { type: 'int16', value: [0o100755, 0o40755] } },
  { tag: RpmTag.EPOCH, value: { type: 'int32', value: [1] } },
  { tag: RpmTag.LONGSIZE, value: { type: 'int64', value: [5_000_000_000] } },
  { tag: RpmTag.BASENAMES, value: { type: 'strings', value: ['bash', 'bin'] } },
  { tag: RpmTag.SIGMD5, value: { type: 'bin', value: Buffer.from('00112233445566778899aabbccddeeff', 'hex') } },
  { tag: 5000, value: { type: 'int8', value: [1, 255] } },
];

function parsed(blob: Buffer): RpmHeader {
  const result = parseHeader(blob);
  if (!result.ok) throw new Error(result.reason);
  return result.header;
}

function reason(blob: Buffer): string {
  const result = parseHeader(blob);
  if (result.ok) throw new Error('expected a bad header');
  return result.reason;
}

/** Overwrite one 32-bit field of index entry `i` (0 = the region entry). */
function patchEntry(blob: Buffer, i: number, field: 'tag' | 'type' | 'offset' | 'count', value: number): Buffer {
  const copy = Buffer.from(blob);
  const at = 8 + i * 16 + { tag: 0, type: 4, offset: 8, count: 12 }[field];
  copy.writeUInt32BE(value >>> 0, at);
  return copy;
}

describe('parseHeader', () => {
  it('reads every tag type', () => {
    const h = parsed(writeHeader(FIELDS));
    expect(h.string(RpmTag.NAME)).toBe('bash');
    expect(h.string(RpmTag.SUMMARY)).toBe('The GNU Bourne Again shell');
    expect(h.strings(RpmTag.SUMMARY)).toEqual(['The GNU Bourne Again shell', 'Die GNU Bourne Again Shell']);
    expect(h.numbers(RpmTag.FILEMODES)).toEqual([0o100755, 0o40755]);
    expect(h.number(RpmTag.EPOCH)).toBe(1);
    expect(h.number(RpmTag.LONGSIZE)).toBe(5_000_000_000);
    expect(h.strings(RpmTag.BASENAMES)).toEqual(['bash', 'bin']);
    expect(h.bytes(RpmTag.SIGMD5)?.toString('hex')).toBe('00112233445566778899aabbccddeeff');
    expect(h.numbers(5000)).toEqual([1, 255]);
    expect(h.has(RpmTag.VERSION)).toBe(false);
    expect(h.string(RpmTag.VERSION)).toBeUndefined();
    expect(h.tags()).toEqual([RpmTag.SIGMD5, RpmTag.NAME, RpmTag.EPOCH, RpmTag.SUMMARY, RpmTag.FILEMODES, RpmTag.BASENAMES, 5000, RpmTag.LONGSIZE]);
  });

  it('reads a legacy header without a region', () => {
    const h = parsed(writeHeader(FIELDS, { region: false }));
    expect(h.string(RpmTag.NAME)).toBe('bash');
  });

  it('lets entries after the region replace region entries, as rpm does', () => {
    const h = parsed(
      writeHeader(FIELDS, { dribbles: [{ tag: RpmTag.NAME, value: { type: 'string', value: 'bash-replaced' } }] }),
    );
    expect(h.string(RpmTag.NAME)).toBe('bash-replaced');
  });

  it('reads signed 32-bit values as unsigned', () => {
    const h = parsed(writeHeader([{ tag: RpmTag.FILESIZES, value: { type: 'int32', value: [0xfffffffe] } }]));
    expect(h.numbers(RpmTag.FILESIZES)).toEqual([0xfffffffe]);
  });

  it('throws HeaderFormatError from a getter when the type does not fit', () => {
    const h = parsed(writeHeader(FIELDS));
    expect(() => h.string(RpmTag.EPOCH)).toThrow(HeaderFormatError);
    expect(() => h.numbers(RpmTag.NAME)).toThrow(HeaderFormatError);
    expect(() => h.bytes(RpmTag.NAME)).toThrow(HeaderFormatError);
    expect(() => h.strings(RpmTag.SIGMD5)).toThrow(/not a string array/);
  });

  describe('hostile blobs are reasons, not exceptions', () => {
    const good = writeHeader(FIELDS);
    // Entry 1 is NAME (a string), entry 4 is EPOCH (int32), entry 6 is BASENAMES (string array).
    it.each<[string, Buffer, RegExp]>([
      ['empty', Buffer.alloc(0), /shorter than its 8-byte preamble/],
      ['only a preamble', good.subarray(0, 8), /truncated/],
      ['truncated in the index', good.subarray(0, 40), /truncated/],
      ['truncated in the data', good.subarray(0, good.length - 1), /truncated/],
      ['index count 0', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), /index count 0 is outside/],
      ['index count 2^31', (() => { const b = Buffer.from(good); b.writeUInt32BE(0x80000000, 0); return b; })(), /index count 2147483648 is outside/],
      ['index count 2^32-1', (() => { const b = Buffer.from(good); b.writeUInt32BE(0xffffffff, 0); return b; })(), /outside 1\.\.65535/],
      ['index count 65535 with no room', (() => { const b = Buffer.from(good); b.writeUInt32BE(0xffff, 0); return b; })(), /truncated/],
      ['data length 2^31', (() => { const b = Buffer.from(good); b.writeUInt32BE(0x80000000, 4); return b; })(), /data length 2147483648 exceeds/],
      ['offset past the data store', patchEntry(good, 1, 'offset', 0x7fff0000), /tag 1000 offset 2147418112 points outside/],
      ['negative offset', patchEntry(good, 1, 'offset', -4), /tag 1000 offset -4 points outside/],
      ['string array count 2^31', patchEntry(good, 6, 'count', 0x80000000), /claims 2147483648 strings/],
      ['string array count past the NULs', patchEntry(good, 6, 'count', 40), /not NUL-terminated|strings at offset/],
      ['int32 count 2^31', patchEntry(good, 4, 'count', 0x80000000), /needs 2147483648 x 4 bytes/],
      ['int32 misaligned', patchEntry(good, 4, 'offset', 1), /not aligned to 4/],
      ['STRING with count 2', patchEntry(good, 1, 'count', 2), /STRING with count 2/],
      ['count 0', patchEntry(good, 1, 'count', 0), /count 0/],
      ['unknown type', patchEntry(good, 1, 'type', 42), /unknown type 42/],
      ['NULL type', patchEntry(good, 1, 'type', RpmType.NULL), /unknown type 0/],
      ['region with the wrong type', patchEntry(good, 0, 'type', RpmType.INT32), /region tag 63 has type 4/],
      ['region trailer outside', patchEntry(good, 0, 'offset', 0x7ffffff0), /trailer at offset .* is outside/],
      ['region trailer not a trailer', patchEntry(good, 0, 'offset', 0), /bad trailer/],
    ])('%s', (_name, blob, want) => {
      expect(reason(blob)).toMatch(want);
    });

    it('a string without its NUL at the end of the data store', () => {
      const blob = writeHeader([{ tag: RpmTag.NAME, value: { type: 'string', value: 'x' } }], { region: false });
      expect(reason(fixDl(blob.subarray(0, blob.length - 1), -1))).toMatch(/not NUL-terminated/);
    });

    it('region trailer claiming more entries than the header has', () => {
      const blob = Buffer.from(good);
      const il = blob.readUInt32BE(0);
      const dl = blob.readUInt32BE(4);
      const trailerAt = 8 + il * 16 + dl - 16;
      blob.writeInt32BE(-(il + 5) * 16, trailerAt + 8);
      expect(reason(blob)).toMatch(/claims \d+ index bytes/);
    });

    it('survives thousands of random corruptions without throwing', () => {
      let seed = 42;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      let bad = 0;
      for (let round = 0; round < 3000; round++) {
        const blob = Buffer.from(good);
        const flips = 1 + random(4);
        for (let i = 0; i < flips; i++) blob[random(blob.length)] = random(256);
        const cut = random(10) === 0 ? blob.subarray(0, random(blob.length)) : blob;
        const result = parseHeader(cut);
        if (!result.ok) {
          bad++;
          continue;
        }
        for (const tag of result.header.tags()) {
          for (const read of [
            () => result.header.string(tag),
            () => result.header.strings(tag),
            () => result.header.numbers(tag),
            () => result.header.bytes(tag),
          ]) {
            try {
              read();
            } catch (error) {
              expect(error).toBeInstanceOf(HeaderFormatError);
            }
          }
        }
      }
      expect(bad).toBeGreaterThan(100);
    });
  });
});

/** Adjust the preamble's data length by `delta` (to cut the last byte of the data store). */
function fixDl(blob: Buffer, delta: number): Buffer {
  const copy = Buffer.from(blob);
  copy.writeUInt32BE(copy.readUInt32BE(4) + delta, 4);
  return copy;
}
