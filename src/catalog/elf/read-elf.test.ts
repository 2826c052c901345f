import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkSource } from '../screen-file.js';
import {
  dynamicEntries,
  elfSummary,
  elfSummaryFrom,
  findSection,
  interpreterOf,
  readElf,
  readElfFrom,
  readVirtual,
  sectionBytes,
  ET_CORE,
  ET_DYN,
  ET_REL,
  PF_R,
  PF_W,
  PT_INTERP,
  PT_LOAD,
  SHT_NOBITS,
  type ByteSource,
  type ElfFile,
} from './index.js';
import { writeElf } from './testdata/write-elf.js';

function ok(bytes: Buffer): ElfFile {
  const result = readElf(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result.elf;
}

function reason(bytes: Buffer): string {
  const result = readElf(bytes);
  if (result.ok) throw new Error('expected a malformed file');
  return result.reason;
}

/** Deterministic pseudo-random bytes, so failures reproduce. */
function garbage(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('readElf on synthetic files', () => {
  const data = Buffer.from('hello, section');
  const interp = Buffer.from('/lib/ld-musl-x86_64.so.1\0');

  it.each([
    [64, true],
    [64, false],
    [32, true],
    [32, false],
  ] as const)('%i-bit, little-endian %s: header, segments, named sections, virtual reads', (bits, littleEndian) => {
    const bytes = writeElf({
      bits,
      littleEndian,
      type: ET_DYN,
      machine: bits === 64 ? 183 : 40,
      sections: [
        { name: '.interp', data: interp, addr: 0x1000 },
        { name: '.data', data, addr: 0x2000 },
        { name: '.bss', data: Buffer.alloc(0), type: SHT_NOBITS, addr: 0x3000 },
      ],
      segments: [
        { type: PT_INTERP, section: '.interp' },
        { type: PT_LOAD, flags: PF_R | PF_W, section: '.data' },
      ],
    });
    const elf = ok(bytes);
    expect(elf.header).toMatchObject({ bits, littleEndian, type: ET_DYN, machine: bits === 64 ? 183 : 40 });
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.interp', '.data', '.bss', '.shstrtab']);
    expect(sectionBytes(bytes, findSection(elf, '.data')!)?.toString()).toBe('hello, section');
    expect(sectionBytes(bytes, findSection(elf, '.bss')!)).toBeUndefined();
    expect(interpreterOf(elf, bytes)).toBe('/lib/ld-musl-x86_64.so.1');
    expect(readVirtual(elf, bytes, 0x2007, 7)?.toString()).toBe('section');
    expect(readVirtual(elf, bytes, 0x2007, 8)).toBeUndefined(); // one byte past the segment
    expect(readVirtual(elf, bytes, 0x1fff, 2)).toBeUndefined();
    expect(elfSummary(bytes)).toEqual({
      type: 'executable', // ET_DYN with an interpreter and no soname
      interpreter: '/lib/ld-musl-x86_64.so.1',
      machine: bits === 64 ? 'aarch64' : 'arm',
    });
  });

  it('a file without section headers still has its segments', () => {
    const bytes = writeElf({ segments: [{ type: PT_INTERP, data: interp }], noSectionHeaders: true });
    const elf = ok(bytes);
    expect(elf.sections).toEqual([]);
    expect(interpreterOf(elf, bytes)).toBe('/lib/ld-musl-x86_64.so.1');
  });

  it('kinds: relocatable, core, unknown type and machine', () => {
    expect(elfSummary(writeElf({ type: ET_REL }))).toEqual({ type: 'relocatable', machine: 'x86-64' });
    expect(elfSummary(writeElf({ type: ET_CORE }))).toEqual({ type: 'core', machine: 'x86-64' });
    expect(elfSummary(writeElf({ type: 0xfe00, machine: 9999 }))).toEqual({ type: 'other', machine: 'machine-9999' });
  });
});

describe('readElf on bogus files: a reason, never a throw', () => {
  const base = (): Buffer =>
    writeElf({ sections: [{ name: '.data', data: Buffer.from('x'.repeat(64)) }], segments: [{ type: PT_LOAD, section: '.data' }] });
  const u16 = (b: Buffer, at: number, v: number): Buffer => (b.writeUInt16LE(v, at), b);
  const u64 = (b: Buffer, at: number, v: bigint): Buffer => (b.writeBigUInt64LE(v, at), b);
  const u32 = (b: Buffer, at: number, v: number): Buffer => (b.writeUInt32LE(v, at), b);

  it.each([
    ['not ELF', Buffer.from('MZ\x90\x00'), /not an ELF/],
    ['truncated header', base().subarray(0, 40), /truncated/],
    ['bad class', ((b) => ((b[4] = 9), b))(base()), /class/],
    ['bad byte order', ((b) => ((b[5] = 0), b))(base()), /byte order/],
    ['program headers past the end', u64(base(), 32, 1n << 40n), /program header table/],
    ['section headers past the end', u64(base(), 40, 0xfffffffffffffff0n), /section header table offset/],
    ['2^31 sections by extended numbering', ((b) => u64(u16(b, 60, 0), b.readUInt32LE(40) + 32, 1n << 31n))(base()), /section header count/],
    ['65534 program headers', u16(base(), 56, 0xfffe), /program header table/],
    ['section name table index out of range', u16(base(), 62, 200), /section name table index/],
    ['tiny program header entries', u16(base(), 54, 4), /entry size/],
    ['tiny section header entries', u16(base(), 58, 8), /entry size/],
  ] as const)('%s', (_label, bytes, expected) => {
    expect(reason(bytes)).toMatch(expected);
    expect(elfSummary(bytes)).toBeUndefined();
  });

  it('section name table outside the file', () => {
    const b = base();
    const shoff = Number(b.readBigUInt64LE(40));
    const shstrndx = b.readUInt16LE(62);
    u64(b, shoff + shstrndx * 64 + 24, 1n << 50n);
    expect(reason(b)).toMatch(/section name table .* outside the file/);
  });

  it('a section or segment pointing outside the file reads as undefined', () => {
    const b = base();
    const shoff = Number(b.readBigUInt64LE(40));
    u64(b, shoff + 64 + 24, BigInt(b.length - 4)); // .data offset: 4 bytes before the end, size 64
    u64(b, 64 + 16, 0x10n); // PT_LOAD vaddr
    u32(b, 64 + 8, 0xffffff00); // PT_LOAD offset
    const elf = ok(b);
    expect(sectionBytes(b, findSection(elf, '.data')!)).toBeUndefined();
    expect(readVirtual(elf, b, 0x10, 1)).toBeUndefined();
    expect(readVirtual(elf, b, Number.MAX_SAFE_INTEGER, 10)).toBeUndefined();
  });

  it('random garbage behind the magic, and every single-byte corruption of a real header, never throw', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const junk = garbage(512, seed);
      junk.write('\x7fELF', 0, 'latin1');
      junk[4] = 1 + (seed % 2);
      junk[5] = 1 + ((seed >> 1) % 2);
      expect(() => readElf(junk)).not.toThrow();
      expect(() => elfSummary(junk)).not.toThrow();
    }
    const ls = readFileSync('/bin/ls');
    const head = Math.min(ls.length, 64);
    for (let at = 4; at < head; at++) {
      for (const value of [0x00, 0xff, 0x7f, 0x80]) {
        const copy = Buffer.from(ls);
        copy[at] = value;
        expect(() => readElf(copy)).not.toThrow();
        expect(() => elfSummary(copy)).not.toThrow();
      }
    }
  });
});

describe('readElfFrom a file kept in chunks agrees with readElf of the whole buffer', () => {
  /** The file in copies of `size` bytes, read through a chunk source. */
  const chunked = (bytes: Buffer, size: number): ByteSource => {
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) chunks.push(Buffer.from(bytes.subarray(at, at + size)));
    return chunkSource({ chunks, length: bytes.length });
  };
  const same = (bytes: Buffer, size: number): void => {
    const source = chunked(bytes, size);
    const whole = readElf(bytes);
    expect(readElfFrom(source)).toEqual(whole);
    expect(elfSummaryFrom(source)).toEqual(elfSummary(bytes));
    if (whole.ok) {
      expect(interpreterOf(whole.elf, source)).toEqual(interpreterOf(whole.elf, bytes));
      expect(dynamicEntries(whole.elf, source)).toEqual(dynamicEntries(whole.elf, bytes));
    }
  };

  it.each(['/bin/ls', '/usr/bin/true'].filter(existsSync))('%s in chunks of 1 B, 7 B, 4 KiB and 64 KiB', (path) => {
    const bytes = readFileSync(path);
    for (const size of [1, 7, 4096, 65536]) same(bytes, size);
  });

  it('every single-byte corruption of a real header, and random garbage, give the same result or reason', () => {
    const ls = readFileSync('/bin/ls');
    for (let at = 4; at < 64; at++) {
      for (const value of [0x00, 0xff, 0x7f, 0x80]) {
        const copy = Buffer.from(ls);
        copy[at] = value;
        same(copy, 4096);
      }
    }
    for (let seed = 1; seed <= 100; seed++) {
      const junk = garbage(512, seed);
      junk.write('\x7fELF', 0, 'latin1');
      junk[4] = 1 + (seed % 2);
      junk[5] = 1 + ((seed >> 1) % 2);
      same(junk, 5);
    }
    same(Buffer.from('\x7fELF'), 1);
    same(Buffer.alloc(0), 1);
  });
});
