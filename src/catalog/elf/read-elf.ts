/**
 * A small, bounds-checked ELF reader over a Buffer: the file header, program headers and section headers (with
 * names), for 32- and 64-bit files of either byte order. Every offset, size and count read from the file is checked
 * against the buffer before use; a malformed file gives `{ ok: false, reason }`, never a throw.
 *
 * Format: System V ABI, "Object Files" (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html).
 *
 * @example
 * const result = readElf(bytes);
 * if (result.ok) {
 *   const section = findSection(result.elf, '.go.buildinfo');
 *   const data = section && sectionBytes(bytes, section);
 * }
 */

/** ELF file type (e_type). */
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

/** Program header types (p_type). */
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;

/** Program header flags (p_flags). */
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** Section types (sh_type) we look at. */
export const SHT_NOBITS = 8;

export interface ElfHeader {
  /** 32 or 64 (EI_CLASS). */
  bits: 32 | 64;
  littleEndian: boolean;
  /** EI_OSABI. */
  osAbi: number;
  /** e_type: ET_REL, ET_EXEC, ET_DYN, ET_CORE or another value. */
  type: number;
  /** e_machine, e.g. 62 for x86-64; `machineName` turns it into a name. */
  machine: number;
  /** e_entry; addresses above 2^53 lose precision. */
  entry: number;
}

export interface ElfProgramHeader {
  type: number;
  flags: number;
  /** File offset and size of the segment's bytes (not checked against the file: `segmentBytes` does that). */
  offset: number;
  fileSize: number;
  /** Virtual address and size in memory; addresses above 2^53 lose precision and are never mapped. */
  vaddr: number;
  memSize: number;
}

export interface ElfSection {
  /** Name from the section name table; empty when the file has none. */
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfFile {
  header: ElfHeader;
  programHeaders: ElfProgramHeader[];
  /** Empty when the file has no section header table (e.g. stripped with `sstrip`). */
  sections: ElfSection[];
}

export type ElfReadResult = { ok: true; elf: ElfFile } | { ok: false; reason: string };

/**
 * Random access to a file's bytes without holding them in one buffer: `read` gives `size` bytes at `offset`, or
 * undefined when the range is not inside the file. The reader asks only for small parts (headers, tables, the
 * name table, a segment), so a large binary kept as the chunks it was streamed in can be read in place
 * (catalog/screen-file.ts).
 */
export interface ByteSource {
  readonly length: number;
  read(offset: number, size: number): Buffer | undefined;
}

/** A whole file in one buffer as a byte source (reads are views, not copies). */
export function bufferSource(bytes: Buffer): ByteSource {
  return { length: bytes.length, read: (offset, size) => slice(bytes, offset, size) };
}

/** More entries than any real file has; a table claiming more is bogus even if the file is large enough. */
const MAX_TABLE_ENTRIES = 1 << 20;
/** Longest section name read from the name table. */
const MAX_NAME_LENGTH = 4096;

/** Does `bytes` start with the ELF magic `\x7fELF`? */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parse the header, program headers and section headers of an ELF file. */
export function readElf(bytes: Buffer): ElfReadResult {
  return readElfFrom(bufferSource(bytes));
}

/** `readElf` for a file read through a byte source. */
export function readElfFrom(source: ByteSource): ElfReadResult {
  try {
    return { ok: true, elf: parse(source) };
  } catch (error) {
    if (error instanceof ElfFormatError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The first section with this name. */
export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** The bytes of a section, or undefined when it has none in the file (SHT_NOBITS) or lies outside the file. */
export function sectionBytes(bytes: Buffer, section: ElfSection): Buffer | undefined {
  if (section.type === SHT_NOBITS) return undefined;
  return slice(bytes, section.offset, section.size);
}

/** The bytes of a segment as stored in the file, or undefined when it lies outside the file. */
export function segmentBytes(bytes: Buffer, segment: ElfProgramHeader): Buffer | undefined {
  return slice(bytes, segment.offset, segment.fileSize);
}

/**
 * `length` bytes at virtual address `addr`, read through the PT_LOAD segment that maps it; undefined when no
 * segment maps the whole range from file bytes.
 */
export function readVirtual(elf: ElfFile, bytes: Buffer, addr: number, length: number): Buffer | undefined {
  if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(length) || addr < 0 || length < 0) return undefined;
  for (const ph of elf.programHeaders) {
    if (ph.type !== PT_LOAD || !Number.isSafeInteger(ph.vaddr)) continue;
    if (addr < ph.vaddr || addr + length > ph.vaddr + ph.fileSize) continue;
    return slice(bytes, ph.offset + (addr - ph.vaddr), length);
  }
  return undefined;
}

/** The program interpreter named by PT_INTERP (`/lib64/ld-linux-x86-64.so.2`), when there is one. */
export function interpreterOf(elf: ElfFile, bytes: Buffer | ByteSource): string | undefined {
  const ph = elf.programHeaders.find((p) => p.type === PT_INTERP);
  const data = ph && sourceOf(bytes).read(ph.offset, ph.fileSize);
  if (!data || data.length === 0) return undefined;
  const nul = data.indexOf(0);
  const text = data.subarray(0, nul < 0 ? Math.min(data.length, MAX_NAME_LENGTH) : Math.min(nul, MAX_NAME_LENGTH)).toString('latin1');
  return text === '' ? undefined : text;
}

/**
 * The entries of the dynamic section (PT_DYNAMIC) as tag/value pairs, up to DT_NULL. Values above 2^53 lose
 * precision. Empty when there is no dynamic segment or it lies outside the file.
 */
export function dynamicEntries(elf: ElfFile, bytes: Buffer | ByteSource): { tag: number; value: number }[] {
  const ph = elf.programHeaders.find((p) => p.type === PT_DYNAMIC);
  const data = ph && sourceOf(bytes).read(ph.offset, ph.fileSize);
  if (!data) return [];
  const r = new Reader(data, elf.header.bits, elf.header.littleEndian);
  const size = elf.header.bits === 64 ? 16 : 8;
  const out: { tag: number; value: number }[] = [];
  for (let at = 0; at + size <= data.length; at += size) {
    const tag = r.word(at);
    if (tag === 0) break;
    out.push({ tag, value: r.word(at + size / 2) });
  }
  return out;
}

function sourceOf(bytes: Buffer | ByteSource): ByteSource {
  return Buffer.isBuffer(bytes) ? bufferSource(bytes) : bytes;
}

class ElfFormatError extends Error {}

function fail(reason: string): never {
  throw new ElfFormatError(reason);
}

/** Byte-order and class aware reads; every read is bounds-checked. */
class Reader {
  constructor(
    readonly bytes: Buffer,
    readonly bits: 32 | 64,
    readonly littleEndian: boolean,
  ) {}

  private check(at: number, size: number): void {
    if (at < 0 || at + size > this.bytes.length) fail(`read of ${size} bytes at offset ${at} is past the end (${this.bytes.length} bytes)`);
  }

  u8(at: number): number {
    this.check(at, 1);
    return this.bytes[at]!;
  }

  u16(at: number): number {
    this.check(at, 2);
    return this.littleEndian ? this.bytes.readUInt16LE(at) : this.bytes.readUInt16BE(at);
  }

  u32(at: number): number {
    this.check(at, 4);
    return this.littleEndian ? this.bytes.readUInt32LE(at) : this.bytes.readUInt32BE(at);
  }

  u64(at: number): number {
    this.check(at, 8);
    const big = this.littleEndian ? this.bytes.readBigUInt64LE(at) : this.bytes.readBigUInt64BE(at);
    // Offsets and sizes above 2^53 cannot be inside a Buffer; the callers' bounds checks reject them.
    return Number(big);
  }

  /** A native word: 4 bytes for ELF32, 8 for ELF64. */
  word(at: number): number {
    return this.bits === 64 ? this.u64(at) : this.u32(at);
  }
}

function slice(bytes: Buffer, offset: number, size: number): Buffer | undefined {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) return undefined;
  if (offset > bytes.length || size > bytes.length - offset) return undefined;
  return bytes.subarray(offset, offset + size);
}

function parse(source: ByteSource): ElfFile {
  const length = source.length;
  const head = source.read(0, Math.min(length, 64)) ?? Buffer.alloc(0);
  if (!isElf(head)) fail('not an ELF file (no \\x7fELF magic)');
  if (length < 52) fail(`truncated ELF header (${length} bytes)`);
  const cls = head[4];
  const data = head[5];
  if (cls !== 1 && cls !== 2) fail(`unknown ELF class ${cls}`);
  if (data !== 1 && data !== 2) fail(`unknown ELF byte order ${data}`);
  const bits = cls === 2 ? 64 : 32;
  const littleEndian = data === 1;
  const r = new Reader(head, bits, littleEndian);
  if (bits === 64 && length < 64) fail(`truncated ELF64 header (${length} bytes)`);
  /** A table or entry the checks above proved inside the file, with a reader whose offsets start at its first byte. */
  const at = (offset: number, size: number): Reader => new Reader(source.read(offset, size) ?? fail(`read of ${size} bytes at offset ${offset} is past the end (${length} bytes)`), bits, littleEndian);

  // e_ident is 16 bytes; the fields after it differ in width between the classes.
  const wide = bits === 64;
  const header: ElfHeader = {
    bits,
    littleEndian,
    osAbi: r.u8(7),
    type: r.u16(16),
    machine: r.u16(18),
    entry: r.word(24),
  };
  const phoff = r.word(wide ? 32 : 28);
  const shoff = r.word(wide ? 40 : 32);
  const flagsEnd = wide ? 52 : 40; // e_ehsize follows e_flags
  const phentsize = r.u16(flagsEnd + 2);
  let phnum = r.u16(flagsEnd + 4);
  const shentsize = r.u16(flagsEnd + 6);
  let shnum = r.u16(flagsEnd + 8);
  let shstrndx = r.u16(flagsEnd + 10);

  // Extended numbering: counts that do not fit 16 bits live in section header 0 (gABI "Extended Section Indexes").
  let section0: { size: number; link: number; info: number } | undefined;
  if (shoff !== 0) {
    const minShent = wide ? 64 : 40;
    if (shentsize < minShent) fail(`section header entry size ${shentsize} is smaller than ${minShent}`);
    if (shoff > length - minShent) fail(`section header table offset ${shoff} is past the end (${length} bytes)`);
    const first = at(shoff, minShent);
    section0 = {
      size: first.word(wide ? 32 : 20),
      link: first.u32(wide ? 40 : 24),
      info: first.u32(wide ? 44 : 28),
    };
    if (shnum === 0) shnum = section0.size;
    if (shstrndx === 0xffff) shstrndx = section0.link;
  }
  if (phnum === 0xffff && section0) phnum = section0.info;

  const programHeaders: ElfProgramHeader[] = [];
  if (phoff !== 0 && phnum > 0) {
    const minPhent = wide ? 56 : 32;
    if (phentsize < minPhent) fail(`program header entry size ${phentsize} is smaller than ${minPhent}`);
    checkTable('program header', phoff, phnum, phentsize, length);
    const t = at(phoff, phnum * phentsize);
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      programHeaders.push(
        wide
          ? { type: t.u32(o), flags: t.u32(o + 4), offset: t.u64(o + 8), vaddr: t.u64(o + 16), fileSize: t.u64(o + 32), memSize: t.u64(o + 40) }
          : { type: t.u32(o), offset: t.u32(o + 4), vaddr: t.u32(o + 8), fileSize: t.u32(o + 16), memSize: t.u32(o + 20), flags: t.u32(o + 24) },
      );
    }
  }

  const raw: Omit<ElfSection, 'name'>[] = [];
  const nameOffsets: number[] = [];
  if (shoff !== 0 && shnum > 0) {
    checkTable('section header', shoff, shnum, shentsize, length);
    const t = at(shoff, shnum * shentsize);
    for (let i = 0; i < shnum; i++) {
      const o = i * shentsize;
      nameOffsets.push(t.u32(o));
      raw.push(
        wide
          ? { type: t.u32(o + 4), flags: t.u64(o + 8), addr: t.u64(o + 16), offset: t.u64(o + 24), size: t.u64(o + 32) }
          : { type: t.u32(o + 4), flags: t.u32(o + 8), addr: t.u32(o + 12), offset: t.u32(o + 16), size: t.u32(o + 20) },
      );
    }
  }

  let names: Buffer | undefined;
  if (raw.length > 0 && shstrndx !== 0) {
    const table = raw[shstrndx];
    if (!table) fail(`section name table index ${shstrndx} is out of range (${raw.length} sections)`);
    names = table.type === SHT_NOBITS ? undefined : source.read(table.offset, table.size);
    if (!names) fail(`section name table (offset ${table.offset}, ${table.size} bytes) is outside the file`);
  }
  const sections = raw.map((s, i) => ({ name: names ? nameAt(names, nameOffsets[i]!) : '', ...s }));
  return { header, programHeaders, sections };
}

function checkTable(what: string, offset: number, count: number, entrySize: number, fileSize: number): void {
  if (count > MAX_TABLE_ENTRIES) fail(`${what} count ${count} is implausible`);
  if (!Number.isSafeInteger(offset) || offset > fileSize || count * entrySize > fileSize - offset) {
    fail(`${what} table (offset ${offset}, ${count} entries of ${entrySize} bytes) is past the end (${fileSize} bytes)`);
  }
}

function nameAt(table: Buffer, offset: number): string {
  if (offset >= table.length) return '';
  const end = table.indexOf(0, offset);
  const stop = Math.min(end < 0 ? table.length : end, offset + MAX_NAME_LENGTH);
  return table.subarray(offset, stop).toString('latin1');
}
