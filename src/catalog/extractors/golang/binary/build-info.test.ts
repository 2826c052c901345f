/**
 * Build info in the forms a Go 1.19 toolchain cannot produce here: the pre-1.18 pointer form (64-bit little-endian
 * and 32-bit big-endian), and the inline form inside PE and Mach-O files, in synthetic files.
 */
import { describe, expect, it } from 'vitest';
import { PF_R, PF_W, PF_X, PT_LOAD } from '../../../elf/index.js';
import { writeElf } from '../../../elf/testdata/write-elf.js';
import { readBuildInfo } from './build-info.js';
import { goBinaryExtractor } from './index.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MOD_TEXT = 'path\texample.com/old\nmod\texample.com/old\tv1.0.0\th1:main=\ndep\tgolang.org/x/text\tv0.3.0\th1:text=\n';
const framed = Buffer.concat([START, Buffer.from(MOD_TEXT), END]);

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function inlineBlob(version: string, mod: Buffer): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8;
  header[15] = 2;
  return Buffer.concat([header, uvarint(version.length), Buffer.from(version), uvarint(mod.length), mod]);
}

/** A pre-1.18 ELF: .go.buildinfo holds two pointers to string headers in .data, which point into .rodata. */
function pointerElf(bits: 32 | 64, littleEndian: boolean): Buffer {
  const ptr = bits / 8;
  const version = Buffer.from('go1.16.15');
  const rodata = Buffer.concat([version, framed]);
  const rodataAddr = 0x3000;
  const dataAddr = 0x2000;
  const write = (buf: Buffer, at: number, v: number): void => {
    if (ptr === 8) littleEndian ? buf.writeBigUInt64LE(BigInt(v), at) : buf.writeBigUInt64BE(BigInt(v), at);
    else littleEndian ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at);
  };
  const data = Buffer.alloc(4 * ptr);
  write(data, 0, rodataAddr);
  write(data, ptr, version.length);
  write(data, 2 * ptr, rodataAddr + version.length);
  write(data, 3 * ptr, framed.length);
  const buildinfo = Buffer.alloc(32);
  MAGIC.copy(buildinfo);
  buildinfo[14] = ptr;
  buildinfo[15] = littleEndian ? 0 : 1;
  write(buildinfo, 16, dataAddr);
  write(buildinfo, 16 + ptr, dataAddr + 2 * ptr);
  return writeElf({
    bits,
    littleEndian,
    sections: [
      { name: '.rodata', data: rodata, addr: rodataAddr },
      { name: '.data', data, addr: dataAddr },
      { name: '.go.buildinfo', data: buildinfo, addr: 0x1000 },
    ],
    segments: [
      { type: PT_LOAD, flags: PF_R, section: '.rodata' },
      { type: PT_LOAD, flags: PF_R | PF_W, section: '.data' },
      { type: PT_LOAD, flags: PF_R | PF_W, section: '.go.buildinfo' },
    ],
  });
}

describe('readBuildInfo', () => {
  it.each([
    [64, true],
    [32, false],
  ] as const)('pre-Go 1.18 pointer form, %i-bit, little-endian %s', (bits, le) => {
    expect(readBuildInfo(pointerElf(bits, le))).toEqual({ found: true, info: { goVersion: 'go1.16.15', modInfo: MOD_TEXT } });
  });

  it('inline form in a synthetic ELF, also through a writable segment when section headers are gone', () => {
    const blob = inlineBlob('go1.22.3', framed);
    const spec = { sections: [{ name: '.go.buildinfo', data: blob, addr: 0x5000 }], segments: [{ type: PT_LOAD, flags: PF_R | PF_W, section: '.go.buildinfo' }] };
    const expected = { found: true, info: { goVersion: 'go1.22.3', modInfo: MOD_TEXT } };
    expect(readBuildInfo(writeElf(spec))).toEqual(expected);
    expect(readBuildInfo(writeElf({ ...spec, noSectionHeaders: true }))).toEqual(expected);
    // An executable segment is not where the linker puts it.
    const exec = { ...spec, segments: [{ type: PT_LOAD, flags: PF_R | PF_W | PF_X, section: '.go.buildinfo' }], noSectionHeaders: true };
    expect(readBuildInfo(writeElf(exec))).toEqual({ found: false });
  });

  it('module text without its framing is dropped, as Go does', () => {
    const bytes = writeElf({ sections: [{ name: '.go.buildinfo', data: inlineBlob('go1.22.3', Buffer.from(MOD_TEXT)) }] });
    expect(readBuildInfo(bytes)).toEqual({ found: true, info: { goVersion: 'go1.22.3', modInfo: '' } });
  });

  it('PE and Mach-O: a whole-file scan that skips a decoy magic in read-only data', () => {
    const decoy = Buffer.concat([MAGIC, Buffer.from('not a header at all, just the constant in cmd/go')]);
    for (const head of [Buffer.from('MZ\x90\x00', 'latin1'), Buffer.from('cffaedfe07000001', 'hex')]) {
      const file = Buffer.concat([head, Buffer.alloc(100), decoy, Buffer.alloc(37), inlineBlob('go1.21.5', framed), Buffer.alloc(64)]);
      expect(readBuildInfo(file)).toEqual({ found: true, info: { goVersion: 'go1.21.5', modInfo: MOD_TEXT } });
    }
  });

  it('is not found in scripts, other binaries, or ELF files without the section', () => {
    expect(readBuildInfo(Buffer.from('#!/bin/sh\n'))).toEqual({ found: false });
    expect(readBuildInfo(writeElf({ sections: [{ name: '.data', data: Buffer.alloc(64) }] }))).toEqual({ found: false });
  });
});

describe('hostile build info: an issue, never a throw', () => {
  const issuesFor = async (bytes: Buffer) => {
    const issues: string[] = [];
    const packages = await goBinaryExtractor.extractFile({ path: 'bin/app', bytes, mode: 0o755 }, { issue: (_p, r) => issues.push(r) });
    return { packages, issues };
  };
  const elfWith = (blob: Buffer) => writeElf({ sections: [{ name: '.go.buildinfo', data: blob, addr: 0x1000 }], segments: [{ type: PT_LOAD, section: '.go.buildinfo' }] });

  it.each([
    ['truncated header', Buffer.concat([MAGIC, Buffer.from([8, 2])]), /truncated/],
    ['version length past the end', Buffer.concat([inlineBlob('go1.22.3', framed).subarray(0, 32), uvarint(1_000_000)]), /runs past the end/],
    ['endless varint', Buffer.concat([inlineBlob('go1', framed).subarray(0, 32), Buffer.alloc(20, 0xff)]), /too long/],
    ['module text length implausible', Buffer.concat([inlineBlob('go1', framed).subarray(0, 36), uvarint(2 ** 34)]), /implausible/],
    ['pointer size 3', ((b) => ((b[14] = 3), (b[15] = 0), b))(inlineBlob('go1', framed)), /pointer size/],
    ['pointers to nowhere', ((b) => ((b[15] = 0), b.fill(0xee, 16, 32), b))(inlineBlob('go1', framed)), /points outside the file/],
    ['empty version', inlineBlob('', framed), /empty Go version/],
    ['no magic in the section', Buffer.alloc(64), /does not start/],
  ] as const)('%s', async (_label, blob, reason) => {
    const { packages, issues } = await issuesFor(elfWith(blob));
    expect(packages).toEqual([]);
    expect(issues).toEqual([expect.stringMatching(reason)]);
  });

  it('a bogus ELF header is reported', async () => {
    const bytes = elfWith(inlineBlob('go1.22.3', framed));
    bytes.writeBigUInt64LE(1n << 40n, 40);
    const { issues } = await issuesFor(bytes);
    expect(issues).toEqual([expect.stringMatching(/unreadable ELF file: section header table/)]);
  });

  it('a bogus ELF header in a file with neither the magic nor the section name is no Go binary: not examined', async () => {
    const bytes = writeElf({ sections: [{ name: '.data', data: Buffer.from('hello') }], segments: [{ type: PT_LOAD, flags: PF_R | PF_W, section: '.data' }] });
    bytes.writeBigUInt64LE(1n << 40n, 40);
    expect(readBuildInfo(bytes)).toMatchObject({ found: true, error: expect.stringMatching(/unreadable ELF file/) });
    expect(await issuesFor(bytes)).toEqual({ packages: [], issues: [] });
  });

  it('odd module lines and a development toolchain are issues; the rest is kept', async () => {
    const text = 'path\tx\nmod\texample.com/x\t(devel)\t\n=>\t\t\nwhat\tever\ndep\texample.com/noversion\t\t\ndep\texample.com/y\tv1.0.0\t\n';
    const { packages, issues } = await issuesFor(elfWith(inlineBlob('devel go1.23-abcdef Tue Jan 1', Buffer.concat([START, Buffer.from(text), END]))));
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['example.com/x@(devel)', 'example.com/y@v1.0.0']);
    expect(issues).toEqual([
      expect.stringMatching(/line 3: replacement without a path/),
      expect.stringMatching(/line 4: unknown line kind "what"/),
      expect.stringMatching(/example.com\/noversion has no version/),
      expect.stringMatching(/toolchain "devel go1.23-abcdef.*" is not a Go release/),
    ]);
  });
});
