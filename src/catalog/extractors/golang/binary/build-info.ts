import { findSection, isElf, PF_W, PF_X, PT_LOAD, readElf, readVirtual, sectionBytes, segmentBytes, type ElfFile } from '../../../elf/index.js';

/**
 * The Go build information a Go linker writes into every binary (Go 1.13+): the toolchain version and the module
 * information text (`path`, `mod`, `dep`, `=>`, `build` lines).
 *
 * The blob starts with the 14-byte magic `\xff Go buildinf:`, aligned to 16 bytes, then one byte of pointer size
 * and one of flags. With flag bit 2 (Go 1.18+) two varint-length-prefixed strings follow the 32-byte header;
 * before that, the header holds two pointers to Go string headers `{data pointer, length}` in the data segment.
 * See the Go source, src/debug/buildinfo/buildinfo.go, for the reference reader.
 */
export interface RawBuildInfo {
  /** The toolchain, e.g. `go1.22.3` or `go1.22.3 X:boringcrypto`. */
  goVersion: string;
  /** The module information text with its framing sentinels removed; empty for binaries built without modules. */
  modInfo: string;
}

export type BuildInfoResult = { found: false } | { found: true; info: RawBuildInfo } | { found: true; error: string };

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/**
 * What every file `readBuildInfo` finds anything in contains: the blob's magic, or (for a blob whose magic is
 * damaged, which is reported) the name of the section that should hold it.
 */
export const BUILD_INFO_SIGNATURES: readonly Buffer[] = [MAGIC, Buffer.from('.go.buildinfo', 'latin1')];
const HEADER_SIZE = 32;
const ALIGN = 16;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE = 2;
/** How far into a writable segment the Go tools look for the blob when there is no section to name it. */
const SEARCH_WINDOW = 64 * 1024;
/** Longer version or module text than any real binary has. */
const MAX_STRING = 8 * 1024 * 1024;
/** How many writable segments are searched when there are no section headers. */
const MAX_SEGMENTS = 8;
/** How many magic look-alikes a whole-file scan tries before giving up. */
const MAX_CANDIDATES = 64;

/**
 * Find and decode the build information of a Go binary. ELF files are read through `.go.buildinfo`, or the first
 * writable segment when the section headers are gone; other formats (PE, Mach-O) by a scan of the whole file for
 * the inline (Go 1.18+) form. `{ found: false }` means "not a Go binary", `error` a blob that could not be read.
 */
export function readBuildInfo(bytes: Buffer): BuildInfoResult {
  if (isElf(bytes)) {
    const parsed = readElf(bytes);
    if (!parsed.ok) return { found: true, error: `unreadable ELF file: ${parsed.reason}` };
    return readFromElf(parsed.elf, bytes);
  }
  if (!isPeOrMachO(bytes)) return { found: false };
  return scanWholeFile(bytes);
}

function readFromElf(elf: ElfFile, bytes: Buffer): BuildInfoResult {
  const section = findSection(elf, '.go.buildinfo');
  if (section) {
    const data = sectionBytes(bytes, section);
    if (!data) return { found: true, error: '.go.buildinfo section lies outside the file' };
    if (!startsWithMagic(data, 0)) return { found: true, error: '.go.buildinfo section does not start with the build info magic' };
    return decode(data, 0, (addr, length) => readVirtual(elf, bytes, addr, length));
  }
  if (elf.sections.length > 0) return { found: false };
  // No section headers (stripped with sstrip or similar): the blob opens a writable, non-executable segment, the
  // first one in a plain build, the one after the RELRO data in a PIE. Only the head of each is searched.
  const writable = elf.programHeaders.filter((p) => p.type === PT_LOAD && (p.flags & (PF_W | PF_X)) === PF_W).slice(0, MAX_SEGMENTS);
  for (const segment of writable) {
    const data = segmentBytes(bytes, segment);
    if (!data) continue;
    const window = data.subarray(0, Math.min(data.length, SEARCH_WINDOW));
    for (let at = window.indexOf(MAGIC), tries = 0; at >= 0 && tries < MAX_CANDIDATES; at = window.indexOf(MAGIC, at + 1), tries++) {
      if ((segment.vaddr + at) % ALIGN !== 0) continue;
      return decode(data, at, (addr, length) => readVirtual(elf, bytes, addr, length));
    }
  }
  return { found: false };
}

/** PE and Mach-O keep their blob in a data section we do not map; only the inline form can be read there. */
function scanWholeFile(bytes: Buffer): BuildInfoResult {
  let firstError: string | undefined;
  for (let at = bytes.indexOf(MAGIC), tries = 0; at >= 0 && tries < MAX_CANDIDATES; at = bytes.indexOf(MAGIC, at + 1), tries++) {
    const result = decode(bytes, at, () => undefined);
    // The Go tools themselves carry the magic as a constant: only a blob that decodes to a Go version counts.
    if (result.found && 'info' in result && /^(go|devel )/.test(result.info.goVersion)) return result;
    if (result.found && 'error' in result) firstError ??= result.error;
  }
  return firstError === undefined ? { found: false } : { found: true, error: firstError };
}

function decode(data: Buffer, at: number, readAddr: (addr: number, length: number) => Buffer | undefined): BuildInfoResult {
  if (data.length - at < HEADER_SIZE) return { found: true, error: 'build info header is truncated' };
  const ptrSize = data[at + 14]!;
  const flags = data[at + 15]!;
  let goVersion: string | undefined;
  let modInfo: string | undefined;
  if ((flags & FLAG_INLINE) !== 0) {
    const version = readVarintString(data, at + HEADER_SIZE);
    if (typeof version === 'string') return { found: true, error: `build info version: ${version}` };
    const mod = readVarintString(data, version.next);
    if (typeof mod === 'string') return { found: true, error: `build info module text: ${mod}` };
    goVersion = version.text;
    modInfo = mod.text;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) return { found: true, error: `build info pointer size ${ptrSize} is neither 4 nor 8` };
    const bigEndian = (flags & FLAG_BIG_ENDIAN) !== 0;
    const pointer = (buf: Buffer, offset: number): number =>
      ptrSize === 8 ? Number(bigEndian ? buf.readBigUInt64BE(offset) : buf.readBigUInt64LE(offset)) : bigEndian ? buf.readUInt32BE(offset) : buf.readUInt32LE(offset);
    const goString = (headerAddr: number): string | undefined => {
      const header = readAddr(headerAddr, ptrSize * 2);
      if (!header) return undefined;
      const length = pointer(header, ptrSize);
      if (length > MAX_STRING) return undefined;
      return readAddr(pointer(header, 0), length)?.toString('latin1');
    };
    goVersion = goString(pointer(data, at + 16));
    modInfo = goString(pointer(data, at + 16 + ptrSize));
    if (goVersion === undefined || modInfo === undefined) {
      return { found: true, error: 'build info (pre-Go 1.18 pointer form) points outside the file' };
    }
  }
  if (goVersion === '') return { found: true, error: 'build info has an empty Go version' };
  return { found: true, info: { goVersion, modInfo: unframe(modInfo) } };
}

/**
 * The module text is framed by two 16-byte sentinels (cmd/go/internal/modload infoStart/infoEnd); Go checks the
 * length and the newline before the end sentinel and drops the text otherwise.
 */
function unframe(mod: string): string {
  const bytes = Buffer.from(mod, 'latin1');
  if (bytes.length >= 33 && bytes[bytes.length - 17] === 0x0a) return Buffer.from(bytes.subarray(16, bytes.length - 16)).toString('utf8');
  return '';
}

/** A uvarint-length-prefixed string; the text is kept as latin1 so `unframe` can count bytes. */
function readVarintString(data: Buffer, at: number): { text: string; next: number } | string {
  let length = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    if (pos >= data.length) return 'length prefix runs past the end';
    const byte = data[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    if (shift > 35) return 'length prefix is too long';
  }
  if (length > MAX_STRING) return `length ${length} is implausible`;
  if (length > data.length - pos) return `length ${length} runs past the end`;
  return { text: data.subarray(pos, pos + length).toString('latin1'), next: pos + length };
}

function startsWithMagic(data: Buffer, at: number): boolean {
  return data.length - at >= MAGIC.length && data.subarray(at, at + MAGIC.length).equals(MAGIC);
}

function isPeOrMachO(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) return true; // MZ
  const magic = bytes.readUInt32BE(0);
  return magic === 0xfeedface || magic === 0xfeedfacf || magic === 0xcefaedfe || magic === 0xcffaedfe || magic === 0xcafebabe;
}
