/**
 * The central directory of a zip archive (APPNOTE.TXT 4.3.12–4.3.16, zip64 4.3.14/4.5.3), read from a buffer with
 * every offset and count bounds-checked. Nothing is inflated here: callers decide from the declared sizes what to
 * read. https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

export interface ZipEntry {
  /** Entry name as stored (forward slashes; a trailing slash marks a directory). */
  name: string;
  /** General-purpose flags: bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name. */
  flags: number;
  /** 0 stored, 8 deflated; anything else is not read. */
  method: number;
  compressedSize: number;
  /** Uncompressed size as the directory declares it. */
  size: number;
  /** Offset of the local file header, already corrected for data prepended to the archive. */
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Why entries were skipped or the listing stopped early (the entries read so far are still returned). */
  problems: string[];
}

export type ZipDirectoryResult = { ok: true; directory: ZipDirectory } | { ok: false; reason: string };

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const MAX_COMMENT = 0xffff;

function u16(buf: Buffer, at: number): number | undefined {
  return at >= 0 && at + 2 <= buf.length ? buf.readUInt16LE(at) : undefined;
}

function u32(buf: Buffer, at: number): number | undefined {
  return at >= 0 && at + 4 <= buf.length ? buf.readUInt32LE(at) : undefined;
}

/** A 64-bit little-endian value, or undefined when it does not fit a safe integer. */
function u64(buf: Buffer, at: number): number | undefined {
  if (at < 0 || at + 8 > buf.length) return undefined;
  const value = buf.readBigUInt64LE(at);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function findEndOfCentralDirectory(buf: Buffer): number | undefined {
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = buf.length - EOCD_SIZE; at >= lowest; at--) {
    // Cheap first-byte test before the full signature read.
    if (buf[at] === 0x50 && buf.readUInt32LE(at) === EOCD_SIG) return at;
  }
  return undefined;
}

interface DirectoryLocation {
  count: number;
  size: number;
  offset: number;
  /** Where the directory must end: the zip64 record or the end record. */
  end: number;
}

function locateDirectory(buf: Buffer, eocd: number): DirectoryLocation | string {
  let count = u16(buf, eocd + 10)!;
  let size = u32(buf, eocd + 12)!;
  let offset = u32(buf, eocd + 16)!;
  let end = eocd;
  const locator = eocd - 20;
  if (u32(buf, locator) === ZIP64_LOCATOR_SIG) {
    const record = u64(buf, locator + 8);
    if (record === undefined || u32(buf, record) !== ZIP64_EOCD_SIG) return 'zip64 end-of-directory record missing or out of bounds';
    const count64 = u64(buf, record + 32);
    const size64 = u64(buf, record + 40);
    const offset64 = u64(buf, record + 48);
    if (count64 === undefined || size64 === undefined || offset64 === undefined) return 'zip64 end-of-directory record truncated';
    count = count64;
    size = size64;
    offset = offset64;
    end = record;
  }
  if (size > end) return `central directory size ${size} exceeds the archive`;
  return { count, size, offset, end };
}

/**
 * Zip64 extended information (header 0x0001): the 64-bit values of whichever fields are saturated. False when a
 * saturated field's value cannot be found.
 */
function applyZip64Extra(buf: Buffer, start: number, length: number, entry: ZipEntry, saturated: { size: boolean; compressed: boolean; offset: boolean }): boolean {
  const needed = saturated.size || saturated.compressed || saturated.offset;
  let at = start;
  const end = start + length;
  while (at + 4 <= end) {
    const id = buf.readUInt16LE(at);
    const fieldLength = buf.readUInt16LE(at + 2);
    const body = at + 4;
    // Malformed extra data only matters when the 64-bit values are needed from it.
    if (body + fieldLength > end) return !needed;
    if (id === 0x0001) {
      let p = body;
      const next = (): number | undefined => {
        if (p + 8 > body + fieldLength) return undefined;
        const v = u64(buf, p);
        p += 8;
        return v;
      };
      if (saturated.size) {
        const v = next();
        if (v === undefined) return false;
        entry.size = v;
      }
      if (saturated.compressed) {
        const v = next();
        if (v === undefined) return false;
        entry.compressedSize = v;
      }
      if (saturated.offset) {
        const v = next();
        if (v === undefined) return false;
        entry.localHeaderOffset = v;
      }
      return true;
    }
    at = body + fieldLength;
  }
  return !needed;
}

/**
 * Lists a zip archive's entries from its central directory, reading at most `maxEntries`. Data prepended to the
 * archive (a launcher script before an executable jar) is tolerated the way unzip does: when the directory is not
 * where the end record says, it is looked for right before the end record and every offset shifts with it.
 */
export function readZipDirectory(buf: Buffer, maxEntries: number): ZipDirectoryResult {
  if (buf.length < EOCD_SIZE) return { ok: false, reason: `not a zip archive: ${buf.length} bytes is shorter than an end-of-directory record` };
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd === undefined) return { ok: false, reason: 'not a zip archive, or truncated: no end-of-central-directory record' };
  const location = locateDirectory(buf, eocd);
  if (typeof location === 'string') return { ok: false, reason: location };

  let base = 0;
  let start = location.offset;
  if (u32(buf, start) !== CENTRAL_SIG || start + location.size > location.end) {
    const actual = location.end - location.size;
    if (location.count > 0 && u32(buf, actual) !== CENTRAL_SIG) {
      return { ok: false, reason: `central directory not found at offset ${location.offset}; archive truncated or corrupt` };
    }
    base = actual - location.offset;
    start = actual;
  }

  const entries: ZipEntry[] = [];
  const problems: string[] = [];
  const count = Math.min(location.count, maxEntries);
  if (location.count > maxEntries) problems.push(`${location.count} entries exceed the ${maxEntries}-entry limit; only the first ${maxEntries} were read`);
  let at = start;
  for (let i = 0; i < count; i++) {
    if (u32(buf, at) !== CENTRAL_SIG || at + CENTRAL_SIZE > location.end) {
      problems.push(`central directory entry ${i + 1} of ${location.count} is corrupt or truncated; the rest were not read`);
      break;
    }
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localHeaderOffset = buf.readUInt32LE(at + 42);
    const nameStart = at + CENTRAL_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > location.end) {
      problems.push(`central directory entry ${i + 1} of ${location.count} runs past the directory; the rest were not read`);
      break;
    }
    const name = buf.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', nameStart, extraStart);
    const entry: ZipEntry = { name, flags, method, compressedSize, size, localHeaderOffset };
    const saturated = { size: size === 0xffffffff, compressed: compressedSize === 0xffffffff, offset: localHeaderOffset === 0xffffffff };
    if (!applyZip64Extra(buf, extraStart, extraLength, entry, saturated)) {
      problems.push(`${name}: zip64 sizes missing or malformed; entry skipped`);
      at = next;
      continue;
    }
    entry.localHeaderOffset += base;
    entries.push(entry);
    at = next;
  }
  return { ok: true, directory: { entries, problems } };
}
