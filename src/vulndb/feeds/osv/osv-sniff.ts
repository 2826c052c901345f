/**
 * Does a file or directory look like OSV? Cheap and never throwing: a name check plus a look at the first bytes
 * (inflated, for gzip and the first zip entry). It must not claim the other JSON feeds: Alpine secdb
 * (`secfixes`, `distroversion`), CISA KEV (`catalogVersion`, `cveID`) and the Debian tracker (`releases` →
 * `fixed_version`, and no OSV `id`).
 */
import { constants, gunzipSync, inflateRawSync } from 'node:zlib';
import { readHeadSync, sampleFilesSync } from './directory-walk.js';

const HEAD_BYTES = 4096;

/** A JSON key at the top of the text (not inside a string: a quote in a string value is escaped). */
const key = (name: string): RegExp => new RegExp(`(?:^|[{,\\s])"${name}"\\s*:`);
const OSV_ID = /(?:^|[{,\s])"id"\s*:\s*"/;
const OSV_KEYS = ['modified', 'published', 'affected', 'aliases', 'schema_version', 'withdrawn'].map(key);
const OSV_AFFECTED = /(?:^|[{,\s])"affected"\s*:\s*\[\s*\{/;
const OSV_PACKAGE = key('package');
const FOREIGN_KEYS = ['secfixes', 'distroversion', 'catalogVersion', 'cveID', 'fixed_version'].map(key);

/** The feed file kinds this format reads, by name. */
export type OsvFileKind = 'json' | 'jsonl' | 'jsonl.gz' | 'zip';

export function osvFileKind(name: string): OsvFileKind | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl.gz') || lower.endsWith('.json.gz')) return 'jsonl.gz';
  if (lower.endsWith('.jsonl')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.zip')) return 'zip';
  return undefined;
}

export function sniffOsv(path: string, head: Uint8Array, isDirectory: boolean): boolean {
  try {
    return isDirectory ? sniffDirectory(path) : sniffFile(path, head);
  } catch {
    return false;
  }
}

function sniffFile(path: string, head: Uint8Array): boolean {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const kind = osvFileKind(path);
  if (kind === 'zip' || (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50)) return sniffZip(bytes);
  if (kind === 'jsonl.gz' || (bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    // The head is a truncated gzip stream: inflate what is there.
    return looksLikeOsv(gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8'));
  }
  return kind !== undefined && looksLikeOsv(bytes.toString('utf8'));
}

/** OSV JSON text: an object (or an array / lines of them) with an OSV id and OSV keys, or an OSV `affected` list. */
export function looksLikeOsv(text: string): boolean {
  const start = text.trimStart();
  if (!start.startsWith('{') && !start.startsWith('[')) return false;
  // Only the first record decides (a JSON-lines file, or an array of records).
  const firstLine = start.split('\n', 1)[0] ?? '';
  const sample = firstLine.trim().length > 1 && start.startsWith('{') ? firstLine : start;
  if (FOREIGN_KEYS.some((re) => re.test(sample))) return false;
  if (OSV_ID.test(sample) && OSV_KEYS.some((re) => re.test(sample))) return true;
  return OSV_AFFECTED.test(sample) && OSV_PACKAGE.test(sample);
}

/** A zip whose first `.json` entry within the head (inflated as far as the head reaches) looks like OSV. */
function sniffZip(bytes: Buffer): boolean {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x06054b50) return true; // an empty zip: nothing to misread
  for (let at = 0; at + 30 <= bytes.length && bytes.readUInt32LE(at) === 0x04034b50; ) {
    const flags = bytes.readUInt16LE(at + 6);
    const method = bytes.readUInt16LE(at + 8);
    const compressedSize = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const dataAt = at + 30 + nameLength + bytes.readUInt16LE(at + 28);
    const name = bytes.toString('utf8', at + 30, Math.min(at + 30 + nameLength, bytes.length));
    if (dataAt >= bytes.length) return false;
    if (name.toLowerCase().endsWith('.json')) {
      const data = bytes.subarray(dataAt);
      if (method === 0) return looksLikeOsv(data.toString('utf8'));
      return method === 8 && looksLikeOsv(inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8'));
    }
    // A README or folder before the records: step over it when its size is in the local header.
    if ((flags & 8) !== 0) return false;
    at = dataAt + compressedSize;
  }
  return false;
}

/** A sample of the OSV-kind files (see `sampleFilesSync`) must all look like OSV: a mixed folder is not claimed. */
function sniffDirectory(dir: string): boolean {
  const files = sampleFilesSync(dir, (name) => osvFileKind(name) !== undefined);
  return files.length > 0 && files.every((file) => sniffFile(file, readHeadSync(file, HEAD_BYTES)));
}
