import { catchFormatErrors, DbFormatError, type DbReadResult, type HeaderRecord } from './db-read.js';

/**
 * Reads the header blobs out of rpm's Berkeley DB `Packages` file (a DB_HASH database: key = header instance as
 * a 4-byte integer in the writer's byte order, value = header blob). No libdb: the pages are walked directly.
 *
 * Layout (Berkeley DB 5.3 `src/dbinc/db_page.h`): page 0 is the hash metadata page (magic 0x061561 at byte 12
 * in the writer's byte order, page size at 20, encryption at 24, page type 8 at 25, meta flags at 26, last page
 * number at 32). Every other page has a 26-byte header (pgno 8, prev 12, next 16, entries 20, hf_offset 22,
 * type 25) followed by item offsets. Hash pages (type 13, or 2 before DB 4.6) hold key/data item pairs; a large
 * item is an H_OFFPAGE reference (type 3, pgno at 4, total length at 8) to a chain of overflow pages (type 7),
 * each holding `hf_offset` bytes after its header.
 *
 * Hash pages are read in page order rather than by following the bucket chains, so a broken bucket chain cannot
 * loop; overflow chains are followed with every page used at most once across the whole file.
 */

const HASH_MAGIC = 0x00061561;
const BTREE_MAGIC = 0x00053162;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;
const PAGE_HEADER_BYTES = 26;
const HOFFPAGE_BYTES = 12;
/** DBMETA_CHKSUM: pages carry a checksum after the header (PG_CHKSUM: 2 unused bytes + 4-byte checksum). */
const DBMETA_CHKSUM = 0x01;
const CHKSUM_BYTES = 6;

interface Layout {
  bytes: Buffer;
  littleEndian: boolean;
  pageSize: number;
  pageCount: number;
  /** Bytes before the item offsets on each page. */
  overhead: number;
}

/** Read every header blob of a Berkeley DB hash `Packages` file. Never throws on bad bytes. */
export function readBdb(bytes: Buffer): DbReadResult {
  return catchFormatErrors(readOrThrow, bytes);
}

function readOrThrow(bytes: Buffer): DbReadResult {
  const problems: string[] = [];
  const layout = readMetadata(bytes, problems);
  const records: HeaderRecord[] = [];
  const seen = new Set<number>();
  const usedOverflow = new Set<number>();
  for (let pgno = 1; pgno < layout.pageCount; pgno++) {
    const page = pageAt(layout, pgno);
    const type = page[25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    for (const item of readHashPage(layout, pgno, page, usedOverflow, problems)) {
      if (item.instance === 0) continue; // rpm keeps a counter under key 0, not a header
      if (seen.has(item.instance)) {
        problems.push(`header instance ${item.instance} appears twice (page ${pgno}); the first copy is kept`);
        continue;
      }
      seen.add(item.instance);
      records.push(item);
    }
  }
  return { ok: true, records, problems };
}

function readMetadata(bytes: Buffer, problems: string[]): Layout {
  if (bytes.length < 512) throw new DbFormatError(`not a Berkeley DB file: ${bytes.length} bytes is shorter than a metadata page`);
  let littleEndian: boolean;
  if (bytes.readUInt32LE(12) === HASH_MAGIC) littleEndian = true;
  else if (bytes.readUInt32BE(12) === HASH_MAGIC) littleEndian = false;
  else if (bytes.readUInt32LE(12) === BTREE_MAGIC || bytes.readUInt32BE(12) === BTREE_MAGIC) {
    throw new DbFormatError('Berkeley DB btree file, but rpm Packages is a hash database');
  } else {
    throw new DbFormatError('not a Berkeley DB hash file (bad magic)');
  }
  const u32 = (off: number): number => (littleEndian ? bytes.readUInt32LE(off) : bytes.readUInt32BE(off));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new DbFormatError(`Berkeley DB page size ${pageSize} is not a power of two in 512..65536`);
  }
  if (bytes[24] !== 0) throw new DbFormatError(`Berkeley DB file is encrypted (algorithm ${bytes[24]}); it cannot be read`);
  if (bytes[25] !== P_HASHMETA) throw new DbFormatError(`Berkeley DB page 0 has type ${bytes[25]}, want hash metadata (8)`);
  const overhead = PAGE_HEADER_BYTES + (((bytes[26] ?? 0) & DBMETA_CHKSUM) !== 0 ? CHKSUM_BYTES : 0);
  const lastPgno = u32(32);
  const pagesInFile = Math.floor(bytes.length / pageSize);
  let pageCount = lastPgno + 1;
  if (pageCount > pagesInFile) {
    problems.push(`Berkeley DB file is truncated: the metadata says ${pageCount} pages of ${pageSize} bytes, the file holds ${pagesInFile}`);
    pageCount = pagesInFile;
  }
  return { bytes, littleEndian, pageSize, pageCount, overhead };
}

function pageAt(layout: Layout, pgno: number): Buffer {
  return layout.bytes.subarray(pgno * layout.pageSize, (pgno + 1) * layout.pageSize);
}

function u16(layout: Layout, page: Buffer, off: number): number {
  return layout.littleEndian ? page.readUInt16LE(off) : page.readUInt16BE(off);
}

function u32(layout: Layout, page: Buffer, off: number): number {
  return layout.littleEndian ? page.readUInt32LE(off) : page.readUInt32BE(off);
}

function readHashPage(layout: Layout, pgno: number, page: Buffer, usedOverflow: Set<number>, problems: string[]): HeaderRecord[] {
  const entries = u16(layout, page, 20);
  const indexEnd = layout.overhead + 2 * entries;
  if (entries % 2 !== 0 || indexEnd > layout.pageSize) {
    problems.push(`hash page ${pgno} has a bad item count ${entries}; page skipped`);
    return [];
  }
  /** Item `i` spans from its offset to the previous item's offset (items are packed down from the page end). */
  const item = (i: number): { start: number; end: number } | undefined => {
    const start = u16(layout, page, layout.overhead + 2 * i);
    const end = i === 0 ? layout.pageSize : u16(layout, page, layout.overhead + 2 * (i - 1));
    if (start < indexEnd || start >= end || end > layout.pageSize) return undefined;
    return { start, end };
  };
  const out: HeaderRecord[] = [];
  for (let i = 0; i < entries; i += 2) {
    const key = item(i);
    const data = item(i + 1);
    if (key === undefined || data === undefined) {
      problems.push(`hash page ${pgno} item ${i / 2} has offsets outside the page; item skipped`);
      continue;
    }
    if (page[key.start] !== H_KEYDATA || key.end - key.start - 1 !== 4) {
      problems.push(`hash page ${pgno} item ${i / 2} has a key that is not a 4-byte header number; item skipped`);
      continue;
    }
    const instance = u32(layout, page, key.start + 1);
    const dataType = page[data.start];
    if (dataType === H_KEYDATA) {
      out.push({ instance, blob: Buffer.from(page.subarray(data.start + 1, data.end)) });
    } else if (dataType === H_OFFPAGE) {
      if (data.end - data.start < HOFFPAGE_BYTES) {
        problems.push(`hash page ${pgno} item ${i / 2} has a short overflow reference; item skipped`);
        continue;
      }
      const first = u32(layout, page, data.start + 4);
      const total = u32(layout, page, data.start + 8);
      const blob = readOverflow(layout, first, total, usedOverflow);
      if (typeof blob === 'string') problems.push(`header instance ${instance} (hash page ${pgno}): ${blob}`);
      else out.push({ instance, blob });
    } else if (dataType === H_DUPLICATE || dataType === H_OFFDUP) {
      problems.push(`hash page ${pgno} item ${i / 2} holds duplicate data, which rpm does not write; item skipped`);
    } else {
      problems.push(`hash page ${pgno} item ${i / 2} has unknown item type ${dataType}; item skipped`);
    }
  }
  return out;
}

/** Follow an overflow chain; a string result is the reason it could not be read. */
function readOverflow(layout: Layout, first: number, total: number, usedOverflow: Set<number>): Buffer | string {
  if (total > layout.bytes.length) return `overflow item claims ${total} bytes, more than the whole file`;
  const parts: Buffer[] = [];
  let filled = 0;
  let pgno = first;
  const room = layout.pageSize - layout.overhead;
  while (pgno !== 0) {
    if (pgno >= layout.pageCount) return `overflow page ${pgno} is past the last page ${layout.pageCount - 1}`;
    if (usedOverflow.has(pgno)) return `overflow page ${pgno} is reached twice (a loop or a shared chain)`;
    usedOverflow.add(pgno);
    const page = pageAt(layout, pgno);
    if (page[25] !== P_OVERFLOW) return `page ${pgno} in an overflow chain has type ${page[25]}, want 7`;
    const length = u16(layout, page, 22);
    if (length > room) return `overflow page ${pgno} claims ${length} bytes, more than a page holds`;
    if (filled + length > total) return `overflow chain holds more than the ${total} bytes its item claims`;
    parts.push(page.subarray(layout.overhead, layout.overhead + length));
    filled += length;
    pgno = u32(layout, page, 16);
  }
  if (filled !== total) return `overflow chain ends after ${filled} of ${total} bytes`;
  return Buffer.concat(parts, filled);
}
