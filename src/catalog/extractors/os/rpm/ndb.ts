import { catchFormatErrors, DbFormatError, type DbReadResult, type HeaderRecord } from './db-read.js';

/**
 * Reads the header blobs out of rpm's NDB `Packages.db` (SUSE). Layout from rpm's `lib/backend/ndb/rpmpkg.c`,
 * all integers little-endian:
 * - a 32-byte file header: magic `RpmP`, version 0, generation, slot page count, next package index;
 * - slot pages of 4096 bytes right after (the header takes the first two 16-byte slots of page 0); each slot is
 *   magic `Slot`, package index, block offset, block count; offset 0 means a free slot;
 * - blobs in 16-byte blocks: a 16-byte head (magic `BlbS`, package index, timestamp, blob length), the blob, zero
 *   padding, then a 12-byte tail (adler32 of everything before it, blob length, magic `BlbE`).
 */

const FILE_MAGIC = 0x506d7052; // 'RpmP'
const SLOT_MAGIC = 0x746f6c53; // 'Slot'
const BLOB_HEAD_MAGIC = 0x53626c42; // 'BlbS'
const BLOB_TAIL_MAGIC = 0x45626c42; // 'BlbE'
const HEADER_BYTES = 32;
const SLOT_BYTES = 16;
const BLOCK_BYTES = 16;
const PAGE_BYTES = 4096;
const BLOB_HEAD_BYTES = 16;
const BLOB_TAIL_BYTES = 12;

/** Read every header blob of an NDB `Packages.db`. Never throws on bad bytes. */
export function readNdb(bytes: Buffer): DbReadResult {
  return catchFormatErrors(readOrThrow, bytes);
}

function readOrThrow(bytes: Buffer): DbReadResult {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== FILE_MAGIC) {
    throw new DbFormatError('not an rpm NDB file (bad magic)');
  }
  const version = bytes.readUInt32LE(4);
  if (version !== 0) throw new DbFormatError(`NDB version ${version} is not supported (want 0)`);
  const slotPages = bytes.readUInt32LE(12);
  if (slotPages < 1 || slotPages * PAGE_BYTES > bytes.length) {
    throw new DbFormatError(`NDB slot page count ${slotPages} does not fit a ${bytes.length}-byte file`);
  }
  const firstBlobBlock = (slotPages * PAGE_BYTES) / BLOCK_BYTES;
  const fileBlocks = Math.floor(bytes.length / BLOCK_BYTES);
  const problems: string[] = [];
  const records: HeaderRecord[] = [];
  const seen = new Set<number>();
  for (let at = HEADER_BYTES; at < slotPages * PAGE_BYTES; at += SLOT_BYTES) {
    if (bytes.readUInt32LE(at) !== SLOT_MAGIC) {
      problems.push(`NDB slot at byte ${at} has a bad magic; the remaining slots are not read`);
      break;
    }
    const pkgIndex = bytes.readUInt32LE(at + 4);
    const blockOffset = bytes.readUInt32LE(at + 8);
    const blockCount = bytes.readUInt32LE(at + 12);
    if (blockOffset === 0) continue;
    const where = `NDB package ${pkgIndex} (slot at byte ${at})`;
    if (pkgIndex === 0 || blockCount === 0 || blockOffset < firstBlobBlock || blockOffset + blockCount > fileBlocks) {
      problems.push(`${where}: blocks ${blockOffset}+${blockCount} are outside the blob area of ${fileBlocks} blocks`);
      continue;
    }
    if (seen.has(pkgIndex)) {
      problems.push(`${where}: package index appears twice; the first copy is kept`);
      continue;
    }
    const blob = readBlob(bytes, pkgIndex, blockOffset, blockCount);
    if (typeof blob === 'string') {
      problems.push(`${where}: ${blob}`);
      continue;
    }
    seen.add(pkgIndex);
    records.push({ instance: pkgIndex, blob });
  }
  return { ok: true, records, problems };
}

function readBlob(bytes: Buffer, pkgIndex: number, blockOffset: number, blockCount: number): Buffer | string {
  const start = blockOffset * BLOCK_BYTES;
  const end = start + blockCount * BLOCK_BYTES;
  if (bytes.readUInt32LE(start) !== BLOB_HEAD_MAGIC) return 'blob has a bad head magic';
  if (bytes.readUInt32LE(start + 4) !== pkgIndex) return `blob belongs to package ${bytes.readUInt32LE(start + 4)}`;
  const length = bytes.readUInt32LE(start + 12);
  const wantBlocks = Math.ceil((BLOB_HEAD_BYTES + length + BLOB_TAIL_BYTES) / BLOCK_BYTES);
  if (wantBlocks !== blockCount) return `blob length ${length} needs ${wantBlocks} blocks, the slot says ${blockCount}`;
  const tail = end - BLOB_TAIL_BYTES;
  if (bytes.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC) return 'blob has a bad tail magic';
  if (bytes.readUInt32LE(tail + 4) !== length) return 'blob tail length differs from its head';
  if (bytes.readUInt32LE(tail) !== adler32(bytes.subarray(start, tail))) return 'blob checksum (adler32) does not match';
  return bytes.subarray(start + BLOB_HEAD_BYTES, start + BLOB_HEAD_BYTES + length);
}

/** Adler-32 (RFC 1950 section 8.2). */
export function adler32(data: Uint8Array): number {
  const MOD = 65521;
  // 5552 is the longest run whose sums cannot overflow 2^32 before the modulo (zlib's NMAX).
  const RUN = 5552;
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const stop = Math.min(i + RUN, data.length);
    for (; i < stop; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
