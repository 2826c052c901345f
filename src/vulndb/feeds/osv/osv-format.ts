/**
 * The OSV feed format: one `.json` record (or a JSON array of records), a directory of them (recursive, sorted),
 * JSON lines (`.jsonl`, `.jsonl.gz`, streamed line by line), and the per-ecosystem `all.zip` export (a flat zip
 * of `<ID>.json`, read entry by entry through its central directory). Every record goes through
 * `convertOsvRecord`; a malformed one is a skipped item naming the file (and line or entry), never fatal.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GroutError } from '../../../core/errors.js';
import type { FeedItem } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { walkFiles } from './directory-walk.js';
import { readLines } from './json-lines.js';
import { convertOsvRecord, RECORD_LIMITS } from './osv-record.js';
import { osvFileKind, sniffOsv, type OsvFileKind } from './osv-sniff.js';
import { readZipEntries } from './zip-reader.js';

export const OSV_FORMAT_LIMITS = {
  recordBytes: RECORD_LIMITS.bytes,
  /** Records in one JSON array file. */
  arrayRecords: 100_000,
  /** Zip entries (the exports of big ecosystems hold hundreds of thousands). */
  zipEntries: 5_000_000,
  /** An entry or a gzip stream that inflates more than this many times its size (past 64 MiB) is a bomb. */
  maxRatio: 200,
  gzipRatioFloorBytes: 64 * 1024 * 1024,
  directoryFiles: 5_000_000,
  directoryDepth: 32,
} as const;

export const osvFormat: FeedFormatHandler = {
  format: 'osv',
  version: 1,
  sniff: sniffOsv,
  parse: parseOsv,
};

/**
 * One advisory per id per input: the store keys advisories by (feed, id), and a mirror can hold the same record
 * twice (a zip beside its unpacked directory). The first one wins; later ones are skipped, saying so.
 */
async function* parseOsv(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const seen = new Set<string>();
  for await (const item of parseInput(input, context)) {
    if (item.type === 'advisory') {
      if (seen.has(item.advisory.id)) {
        yield { type: 'skipped', where: input.label, reason: `${JSON.stringify(item.advisory.id)}: a second record with this id; the first is kept` };
        continue;
      }
      seen.add(item.advisory.id);
    }
    yield item;
  }
}

async function* parseInput(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const info = await stat(input.path).catch((error: unknown) => {
    throw new GroutError('E_IO', `${input.label}: cannot read: ${(error as Error).message}`, { file: input.label, cause: error });
  });
  if (info.isDirectory()) {
    yield* parseDirectory(input, context);
    return;
  }
  const kind = osvFileKind(input.path) ?? (await kindFromContent(input.path));
  if (kind === undefined) throw new GroutError('E_FEED_FORMAT', `${input.label}: not an OSV file (.json, .jsonl, .jsonl.gz or .zip)`, { file: input.label });
  yield* parseFile(input.path, input.label, kind, context, true);
}

async function* parseDirectory(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const walk = walkFiles(input.path, input.label, {
    select: (name) => osvFileKind(name) !== undefined,
    maxFiles: OSV_FORMAT_LIMITS.directoryFiles,
    maxDepth: OSV_FORMAT_LIMITS.directoryDepth,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  });
  for await (const item of walk) {
    const where = `${input.label}/${item.relative.split(sep).join('/')}`;
    if ('problem' in item) {
      yield { type: 'skipped', where, reason: item.problem };
      continue;
    }
    const kind = osvFileKind(item.path);
    if (kind === undefined) continue;
    try {
      yield* parseFile(item.path, where, kind, context, false);
    } catch (error) {
      // A corrupt .jsonl.gz or zip among many files ends that file (its good records are already out), not the walk.
      if (!(error instanceof GroutError) || (error.code !== 'E_FEED_FORMAT' && error.code !== 'E_IO')) throw error;
      yield { type: 'skipped', where, reason: error.message.startsWith(`${where}: `) ? error.message.slice(where.length + 2) : error.message };
    }
  }
}

/** `single`: the file is the whole input, so a file that is not JSON at all is fatal rather than skipped. */
async function* parseFile(path: string, label: string, kind: OsvFileKind, context: ParseContext, single: boolean): AsyncGenerator<FeedItem> {
  switch (kind) {
    case 'json':
      yield* parseJsonFile(path, label, context, single);
      return;
    case 'jsonl':
    case 'jsonl.gz':
      yield* parseJsonLines(path, label, kind === 'jsonl.gz', context);
      return;
    case 'zip':
      yield* parseZip(path, label, context);
      return;
  }
}

async function* parseJsonFile(path: string, label: string, context: ParseContext, single: boolean): AsyncGenerator<FeedItem> {
  const maxBytes = OSV_FORMAT_LIMITS.recordBytes * 4;
  let value: unknown;
  let size = 0;
  try {
    const info = await stat(path);
    size = info.size;
    if (info.size > maxBytes) throw new FileProblem(`${info.size} bytes is larger than a record file may be (${maxBytes})`);
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new FileProblem(`cannot read: ${(error as Error).message}`);
    });
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new FileProblem(`not valid JSON: ${(error as Error).message}`);
    }
  } catch (error) {
    if (!(error instanceof FileProblem) && !isFsError(error)) throw error;
    const reason = error instanceof FileProblem ? error.message : `cannot read: ${(error as Error).message}`;
    if (single) throw new GroutError('E_FEED_FORMAT', `${label}: ${reason}`, { file: label, cause: error });
    yield { type: 'skipped', where: label, reason };
    return;
  }
  if (!Array.isArray(value)) {
    // A file of one record is held to the record limit; only an array of records may be larger.
    yield size > OSV_FORMAT_LIMITS.recordBytes
      ? { type: 'skipped', where: label, reason: `a record of ${size} bytes is larger than the ${OSV_FORMAT_LIMITS.recordBytes}-byte record limit` }
      : toItem(value, label, context);
    return;
  }
  if (value.length > OSV_FORMAT_LIMITS.arrayRecords) {
    yield { type: 'skipped', where: label, reason: `an array of ${value.length} records (at most ${OSV_FORMAT_LIMITS.arrayRecords} are read)` };
    return;
  }
  for (const [i, record] of value.entries()) {
    context.signal?.throwIfAborted();
    yield toItem(record, `${label}[${i}]`, context);
  }
}

async function* parseJsonLines(path: string, label: string, gzipped: boolean, context: ParseContext): AsyncGenerator<FeedItem> {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const bytes = gzipped ? guardRatio(pipeline(file, createGunzip(), () => {}), file, label) : file;
  try {
    for await (const line of readLines(bytes, OSV_FORMAT_LIMITS.recordBytes)) {
      context.signal?.throwIfAborted();
      const where = `${label}:${line.number}`;
      if ('tooLong' in line) {
        yield { type: 'skipped', where, reason: `a line of ${line.tooLong} bytes is longer than the ${OSV_FORMAT_LIMITS.recordBytes}-byte record limit` };
        continue;
      }
      let record: unknown;
      try {
        record = JSON.parse(line.text);
      } catch (error) {
        yield { type: 'skipped', where, reason: `not valid JSON: ${(error as Error).message}` };
        continue;
      }
      yield toItem(record, where, context);
    }
  } catch (error) {
    // Only what zlib and the file system throw is translated; anything else (an abort) goes up as it is.
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof GroutError || typeof code !== 'string' || code === 'ABORT_ERR') throw error;
    if (code.startsWith('Z_')) {
      throw new GroutError('E_FEED_FORMAT', `${label}: truncated or corrupt gzip data (${(error as Error).message})`, { file: label, cause: error });
    }
    throw new GroutError('E_IO', `${label}: cannot read: ${(error as Error).message}`, { file: label, cause: error });
  } finally {
    file.destroy();
  }
}

/** Inflated bytes, stopped with an error when they outgrow the compressed bytes read so far by the bomb ratio. */
async function* guardRatio(inflated: AsyncIterable<Buffer>, compressed: { bytesRead: number }, label: string): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of inflated) {
    total += chunk.length;
    if (total > OSV_FORMAT_LIMITS.gzipRatioFloorBytes && total > compressed.bytesRead * OSV_FORMAT_LIMITS.maxRatio) {
      throw new GroutError('E_FEED_FORMAT', `${label}: gzip data inflates more than ${OSV_FORMAT_LIMITS.maxRatio} times (a gzip bomb?)`, { file: label });
    }
    yield chunk;
  }
}

async function* parseZip(path: string, label: string, context: ParseContext): AsyncGenerator<FeedItem> {
  const limits = { maxEntryBytes: OSV_FORMAT_LIMITS.recordBytes, maxRatio: OSV_FORMAT_LIMITS.maxRatio, maxEntries: OSV_FORMAT_LIMITS.zipEntries };
  for await (const entry of readZipEntries(path, label, limits, context.signal)) {
    const where = `${label}:${entry.name}`;
    if ('problem' in entry) {
      yield { type: 'skipped', where, reason: entry.problem };
      continue;
    }
    // Only the JSON records: an export may carry a README or a checksum list beside them.
    if (!entry.name.toLowerCase().endsWith('.json')) continue;
    let record: unknown;
    try {
      record = JSON.parse(entry.data.toString('utf8'));
    } catch (error) {
      yield { type: 'skipped', where, reason: `not valid JSON: ${(error as Error).message}` };
      continue;
    }
    yield toItem(record, where, context);
  }
}

function toItem(record: unknown, where: string, context: ParseContext): FeedItem {
  const result = convertOsvRecord(record, context.feed);
  return 'reason' in result ? { type: 'skipped', where, reason: result.reason } : { type: 'advisory', advisory: result };
}

/** A file without a telling name: gzip and zip by their magic bytes, else JSON. */
async function kindFromContent(path: string): Promise<OsvFileKind | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'jsonl.gz';
    if (bytesRead === 4 && (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50)) return 'zip';
    return bytesRead > 0 ? 'json' : undefined;
  } finally {
    await handle.close();
  }
}

/** Why one file of the input cannot be read; fatal for a single-file input, a skipped item inside a directory. */
class FileProblem extends Error {}

function isFsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('E');
}
