/**
 * The bytes of one zip entry, inflated with fflate's streaming `Inflate` in small steps so that output beyond the
 * declared size stops the work at once: an entry that lies about its size costs at most a few MiB, never the
 * gigabytes its deflate stream could expand to.
 */
import { Inflate } from 'fflate';
import type { ZipEntry } from './zip-directory.js';

export type EntryBytes = { ok: true; bytes: Buffer } | { ok: false; reason: string };

const LOCAL_SIG = 0x04034b50;
const LOCAL_SIZE = 30;
/** Compressed bytes per push: deflate expands at most ~1032:1, so one step yields at most ~8 MiB. */
const STEP = 8 * 1024;

class Overflow extends Error {}

/** Where the entry's data starts and ends in `zip`, from its local header. */
function dataRange(zip: Buffer, entry: ZipEntry): { start: number; end: number } | string {
  const at = entry.localHeaderOffset;
  if (at < 0 || at + LOCAL_SIZE > zip.length || zip.readUInt32LE(at) !== LOCAL_SIG) {
    return `local header at offset ${at} is missing; archive truncated or corrupt`;
  }
  const start = at + LOCAL_SIZE + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) return `data runs ${end - zip.length} bytes past the end of the archive; truncated`;
  return { start, end };
}

function inflateBounded(data: Buffer, declared: number): EntryBytes {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > declared) throw new Overflow();
    if (chunk.length > 0) chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    if (data.length === 0) return { ok: false, reason: 'deflated entry has no data' };
    for (let at = 0; at < data.length; at += STEP) {
      const end = Math.min(at + STEP, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof Overflow) return { ok: false, reason: `inflates to more than its declared ${declared} bytes; entry skipped` };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `corrupt deflate data (${message})` };
  }
  if (!finished) return { ok: false, reason: 'deflate stream ends early; truncated' };
  if (total !== declared) return { ok: false, reason: `inflates to ${total} bytes, not its declared ${declared}` };
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/**
 * Reads one entry whose declared size the caller has already accepted. The actual size must equal the declared
 * one; the CRC is not checked (a corrupt-but-consistent entry parses as text or fails as a nested archive).
 */
export function readZipEntry(zip: Buffer, entry: ZipEntry): EntryBytes {
  if ((entry.flags & 1) !== 0) return { ok: false, reason: 'encrypted entry' };
  const range = dataRange(zip, entry);
  if (typeof range === 'string') return { ok: false, reason: range };
  const data = zip.subarray(range.start, range.end);
  switch (entry.method) {
    case 0:
      if (entry.compressedSize !== entry.size) return { ok: false, reason: `stored entry of ${entry.compressedSize} bytes declares ${entry.size}` };
      return { ok: true, bytes: data };
    case 8:
      return inflateBounded(data, entry.size);
    default:
      return { ok: false, reason: `compression method ${entry.method} is not supported` };
  }
}
