/**
 * Writes small synthetic ELF files for tests: 32/64-bit, either byte order, with chosen sections and segments.
 * Layout: file header, program headers, section and segment bytes, section name table, section headers.
 */

export interface SectionSpec {
  name: string;
  data: Buffer;
  /** sh_type; PROGBITS (1) by default. */
  type?: number;
  addr?: number;
}

export interface SegmentSpec {
  type: number;
  flags?: number;
  vaddr?: number;
  /** Bytes of its own... */
  data?: Buffer;
  /** ...or the bytes of a section (offset, size, and its address unless vaddr is given). */
  section?: string;
}

export interface ElfSpec {
  bits?: 32 | 64;
  littleEndian?: boolean;
  /** e_type; ET_EXEC (2) by default. */
  type?: number;
  /** e_machine; x86-64 (62) by default. */
  machine?: number;
  sections?: SectionSpec[];
  segments?: SegmentSpec[];
  /** Leave out the section header table (e_shoff = 0), as `sstrip` does. */
  noSectionHeaders?: boolean;
}

export function writeElf(spec: ElfSpec): Buffer {
  const bits = spec.bits ?? 64;
  const le = spec.littleEndian ?? true;
  const wide = bits === 64;
  const ehsize = wide ? 64 : 52;
  const phentsize = wide ? 56 : 32;
  const shentsize = wide ? 64 : 40;
  const sections = spec.sections ?? [];
  const segments = spec.segments ?? [];

  const chunks: Buffer[] = [];
  let cursor = ehsize + phentsize * segments.length;
  const place = (data: Buffer): number => {
    const pad = (16 - (cursor % 16)) % 16;
    chunks.push(Buffer.alloc(pad));
    cursor += pad;
    const at = cursor;
    chunks.push(data);
    cursor += data.length;
    return at;
  };
  const sectionOffsets = sections.map((s) => place(s.data));
  const segmentPlaces = segments.map((seg) => {
    if (seg.section !== undefined) {
      const i = sections.findIndex((s) => s.name === seg.section);
      if (i < 0) throw new Error(`no section ${seg.section}`);
      return { offset: sectionOffsets[i]!, size: sections[i]!.data.length, vaddr: seg.vaddr ?? sections[i]!.addr ?? 0 };
    }
    const data = seg.data ?? Buffer.alloc(0);
    return { offset: place(data), size: data.length, vaddr: seg.vaddr ?? 0 };
  });
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let nameTable = Buffer.alloc(0);
  for (const n of names) {
    nameOffsets.push(nameTable.length);
    nameTable = Buffer.concat([nameTable, Buffer.from(n + '\0', 'latin1')]);
  }
  const shstrOffset = place(nameTable);
  const shoff = spec.noSectionHeaders ? 0 : place(Buffer.alloc(0));
  const shnum = spec.noSectionHeaders ? 0 : sections.length + 2;

  const out = Buffer.alloc(cursor + (spec.noSectionHeaders ? 0 : shnum * shentsize));
  let o = 0;
  for (const c of chunks) {
    c.copy(out, ehsize + phentsize * segments.length + o);
    o += c.length;
  }
  const w = writer(out, le);
  out.write('\x7fELF', 0, 'latin1');
  out[4] = wide ? 2 : 1;
  out[5] = le ? 1 : 2;
  out[6] = 1;
  w.u16(16, spec.type ?? 2);
  w.u16(18, spec.machine ?? 62);
  w.u32(20, 1);
  const word = (at: number, v: number): void => {
    if (wide) w.u64(at, v);
    else w.u32(at, v);
  };
  word(24, 0); // entry
  word(wide ? 32 : 28, segments.length > 0 ? ehsize : 0);
  word(wide ? 40 : 32, shoff);
  const at = wide ? 52 : 40;
  w.u16(at, ehsize);
  w.u16(at + 2, phentsize);
  w.u16(at + 4, segments.length);
  w.u16(at + 6, shentsize);
  w.u16(at + 8, shnum);
  w.u16(at + 10, spec.noSectionHeaders ? 0 : shnum - 1);

  segments.forEach((seg, i) => {
    const p = ehsize + i * phentsize;
    const { offset, size, vaddr } = segmentPlaces[i]!;
    if (wide) {
      w.u32(p, seg.type);
      w.u32(p + 4, seg.flags ?? 4);
      w.u64(p + 8, offset);
      w.u64(p + 16, vaddr);
      w.u64(p + 24, vaddr);
      w.u64(p + 32, size);
      w.u64(p + 40, size);
      w.u64(p + 48, 16);
    } else {
      w.u32(p, seg.type);
      w.u32(p + 4, offset);
      w.u32(p + 8, vaddr);
      w.u32(p + 12, vaddr);
      w.u32(p + 16, size);
      w.u32(p + 20, size);
      w.u32(p + 24, seg.flags ?? 4);
      w.u32(p + 28, 16);
    }
  });

  if (!spec.noSectionHeaders) {
    const header = (i: number, name: number, type: number, addr: number, offset: number, size: number): void => {
      const p = shoff + i * shentsize;
      w.u32(p, name);
      w.u32(p + 4, type);
      if (wide) {
        w.u64(p + 16, addr);
        w.u64(p + 24, offset);
        w.u64(p + 32, size);
      } else {
        w.u32(p + 12, addr);
        w.u32(p + 16, offset);
        w.u32(p + 20, size);
      }
    };
    sections.forEach((s, i) => header(i + 1, nameOffsets[i + 1]!, s.type ?? 1, s.addr ?? 0, sectionOffsets[i]!, s.data.length));
    header(shnum - 1, nameOffsets[names.length - 1]!, 3, 0, shstrOffset, nameTable.length);
  }
  return out;
}

function writer(out: Buffer, le: boolean) {
  return {
    u16: (at: number, v: number) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at)),
    u32: (at: number, v: number) => (le ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at)),
    u64: (at: number, v: number) => (le ? out.writeBigUInt64LE(BigInt(v), at) : out.writeBigUInt64BE(BigInt(v), at)),
  };
}
