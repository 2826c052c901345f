/**
 * Entries of a zip file, read through its central directory with positional reads, one entry in memory at a time
 * (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT). Built for the OSV `all.zip` exports: a flat zip
 * of hundreds of thousands of small `<ID>.json` files, Zip64 when there are more than 65,535.
 *
 * Hostile zips: an entry larger than `maxEntryBytes` or inflating more than `maxRatio` times its compressed size
 * (and past 1 MiB) is reported, not inflated; inflation is capped at the declared size, so a lying header cannot
 * make it allocate more; entries whose data overlap (the "overlapping files" bomb) or point outside the file make
 * the whole zip rejected. Entry names are only labels here: nothing is ever written to disk.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { GroutError } from '../../../core/errors.js';

export interface ZipLimits {
  maxEntryBytes: number;
  maxRatio: number;
  maxEntries: number;
}

export type ZipEntry = { name: string; data: Buffer } | { name: string; problem: string };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_CENTRAL_DIRECTORY = 512 * 1024 * 1024;
/** Small entries cannot be bombs whatever their ratio (a 2 KiB file of spaces compresses 100:1). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export async function* readZipEntries(path: string, label: string, limits: ZipLimits, signal?: AbortSignal): AsyncGenerator<ZipEntry> {
  const bad = (reason: string, cause?: unknown): GroutError =>
    new GroutError('E_FEED_FORMAT', `${label}: not a readable zip: ${reason}`, { file: label, ...(cause === undefined ? {} : { cause }) });
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new GroutError('E_IO', `${label}: cannot open: ${(error as Error).message}`, { file: label, cause: error });
  }
  try {
    const { size: fileSize } = await file.stat();
    const entries = await readCentralDirectory(file, fileSize, limits, bad);
    for (const entry of entries) {
      signal?.throwIfAborted();
      if (entry.name.endsWith('/')) continue;
      const problem = entryProblem(entry, limits);
      if (problem !== undefined) {
        yield { name: entry.name, problem };
        continue;
      }
      const compressed = await readEntryData(file, fileSize, entry, bad);
      yield inflateEntry(entry, compressed);
    }
  } finally {
    await file.close();
  }
}

async function readCentralDirectory(
  file: FileHandle,
  fileSize: number,
  limits: ZipLimits,
  bad: (reason: string) => GroutError,
): Promise<CentralEntry[]> {
  const tailSize = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(file, fileSize - tailSize, tailSize);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at === -1) throw bad('no end-of-central-directory record (truncated, or not a zip)');
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) throw bad('multi-disk zips are not supported');

  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = fileSize - tailSize + at - 20;
    if (locatorAt < 0) throw bad('Zip64 locator missing');
    const locator = await readAt(file, locatorAt, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw bad('Zip64 locator missing');
    const recordAt = readU64(locator, 8, bad);
    if (recordAt + 56 > locatorAt) throw bad('Zip64 end record points outside the file');
    const record = await readAt(file, recordAt, 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw bad('Zip64 end record missing');
    count = readU64(record, 32, bad);
    cdSize = readU64(record, 40, bad);
    cdOffset = readU64(record, 48, bad);
  }
  if (count > limits.maxEntries) throw bad(`${count} entries (at most ${limits.maxEntries} are read)`);
  if (cdSize > MAX_CENTRAL_DIRECTORY) throw bad(`central directory of ${cdSize} bytes is too large`);
  if (cdOffset + cdSize > fileSize) throw bad('central directory points outside the file');

  const cd = await readAt(file, cdOffset, cdSize);
  const entries: CentralEntry[] = [];
  let pos = 0;
  let compressedTotal = 0;
  for (let n = 0; n < count; n += 1) {
    if (pos + 46 > cd.length || cd.readUInt32LE(pos) !== CENTRAL) throw bad(`central directory entry ${n} is malformed`);
    const nameLength = cd.readUInt16LE(pos + 28);
    const extraLength = cd.readUInt16LE(pos + 30);
    const commentLength = cd.readUInt16LE(pos + 32);
    const end = pos + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw bad(`central directory entry ${n} runs past its end`);
    const entry: CentralEntry = {
      name: cd.toString('utf8', pos + 46, pos + 46 + nameLength),
      flags: cd.readUInt16LE(pos + 8),
      method: cd.readUInt16LE(pos + 10),
      crc: cd.readUInt32LE(pos + 16),
      compressedSize: cd.readUInt32LE(pos + 20),
      size: cd.readUInt32LE(pos + 24),
      localOffset: cd.readUInt32LE(pos + 42),
    };
    applyZip64Extra(entry, cd.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength), bad);
    compressedTotal += entry.compressedSize + 30 + nameLength;
    if (entry.localOffset + 30 + entry.compressedSize > cdOffset) throw bad(`entry ${quoteName(entry.name)} points outside the file`);
    entries.push(entry);
    pos = end;
  }
  // Entries that share bytes are how a small zip claims a huge total size; honest zips never overlap.
  if (compressedTotal > cdOffset) throw bad('entries overlap (a zip bomb, or a corrupt file)');
  return entries;
}

/** Zip64 extended information (header id 1): the 64-bit values, in order, of the fields that are 0xffffffff. */
function applyZip64Extra(entry: CentralEntry, extra: Buffer, bad: (reason: string) => GroutError): void {
  for (let pos = 0; pos + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(pos);
    const size = extra.readUInt16LE(pos + 2);
    if (id === 1) {
      let at = pos + 4;
      const next = (): number => {
        if (at + 8 > pos + 4 + size || at + 8 > extra.length) throw bad(`Zip64 field of ${quoteName(entry.name)} is short`);
        const value = readU64(extra, at, bad);
        at += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff) entry.localOffset = next();
      return;
    }
    pos += 4 + size;
  }
}

function entryProblem(entry: CentralEntry, limits: ZipLimits): string | undefined {
  if ((entry.flags & 1) !== 0) return 'encrypted';
  if (entry.method !== 0 && entry.method !== 8) return `compression method ${entry.method} is not supported (stored and deflate are)`;
  if (entry.size > limits.maxEntryBytes) return `${entry.size} bytes uncompressed (at most ${limits.maxEntryBytes} are read)`;
  if (entry.compressedSize > limits.maxEntryBytes + RATIO_FLOOR_BYTES) return `${entry.compressedSize} bytes compressed (at most ${limits.maxEntryBytes} are read)`;
  if (entry.method === 0 && entry.size !== entry.compressedSize) return 'stored entry sizes disagree';
  if (entry.size > RATIO_FLOOR_BYTES && entry.size > entry.compressedSize * limits.maxRatio) {
    const ratio = Math.round(entry.size / Math.max(entry.compressedSize, 1));
    return `compression ratio ${ratio}:1 is above ${limits.maxRatio}:1 (a zip bomb?)`;
  }
  return undefined;
}

async function readEntryData(file: FileHandle, fileSize: number, entry: CentralEntry, bad: (reason: string) => GroutError): Promise<Buffer> {
  const header = await readAt(file, entry.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw bad(`local header of ${quoteName(entry.name)} is missing`);
  const dataAt = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataAt + entry.compressedSize > fileSize) throw bad(`data of ${quoteName(entry.name)} runs past the end of the file`);
  return readAt(file, dataAt, entry.compressedSize);
}

function inflateEntry(entry: CentralEntry, compressed: Buffer): ZipEntry {
  let data: Buffer;
  if (entry.method === 0) {
    data = compressed;
  } else {
    try {
      // One byte over the declared size, so an entry that lies about its size is caught, not inflated on.
      data = inflateRawSync(compressed, { maxOutputLength: entry.size + 1 });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { name: entry.name, problem: code === 'ERR_BUFFER_TOO_LARGE' ? 'inflates past its declared size' : `corrupt deflate data (${(error as Error).message})` };
    }
  }
  if (data.length !== entry.size) return { name: entry.name, problem: `inflates to ${data.length} bytes, not the declared ${entry.size}` };
  if (crc32(data) !== entry.crc) return { name: entry.name, problem: 'CRC-32 mismatch (corrupt entry)' };
  return { name: entry.name, data };
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

function readU64(buffer: Buffer, at: number, bad: (reason: string) => GroutError): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw bad('a Zip64 size or offset is out of range');
  return Number(value);
}

function quoteName(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 117)}...` : name);
}
