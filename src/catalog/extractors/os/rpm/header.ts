import { RegionTag, RpmType } from './tags.js';

/**
 * The rpm header blob as the package databases store it (no lead, no signature header):
 * `il` (int32 BE), `dl` (int32 BE), `il` index entries of 16 bytes (tag, type, offset, count; all BE),
 * then `dl` bytes of data store. See rpm's `lib/header.c` (`hdrblobInit`, `hdrblobVerifyInfo`,
 * `hdrblobVerifyRegion`) and https://rpm-software-management.github.io/rpm/manual/format_header.html
 *
 * Everything is validated once in `parseHeader`: every entry's data lies inside the data store, strings are
 * NUL-terminated there, counts are bounded by the bytes they need. The getters then cannot read out of bounds;
 * they throw `HeaderFormatError` only when a tag has a type the caller cannot use.
 */

/** rpm's limit on index entries (`hdrchkTags`). */
const MAX_INDEX_ENTRIES = 0xffff;
/** rpm's limit on the data store (`HEADER_DATA_MAX`). */
const MAX_DATA_BYTES = 0x0fffffff;
const ENTRY_BYTES = 16;

const FIXED_SIZES: Readonly<Record<number, number>> = {
  [RpmType.CHAR]: 1,
  [RpmType.INT8]: 1,
  [RpmType.INT16]: 2,
  [RpmType.INT32]: 4,
  [RpmType.INT64]: 8,
  [RpmType.BIN]: 1,
};

/** A header that cannot be used: the reason names what is wrong. */
export class HeaderFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderFormatError';
  }
}

/** One index entry, validated against the data store. */
export interface HeaderEntry {
  tag: number;
  type: number;
  /** Offset into the data store. */
  offset: number;
  count: number;
  /** Bytes of data store the entry covers. */
  length: number;
}

export type ParseHeaderResult = { ok: true; header: RpmHeader } | { ok: false; reason: string };

/** A validated header: typed, bounds-safe access to its tags. */
export class RpmHeader {
  readonly #data: Buffer;
  readonly #entries: ReadonlyMap<number, HeaderEntry>;

  constructor(data: Buffer, entries: ReadonlyMap<number, HeaderEntry>) {
    this.#data = data;
    this.#entries = entries;
  }

  has(tag: number): boolean {
    return this.#entries.has(tag);
  }

  /** Tags present, ascending. */
  tags(): number[] {
    return [...this.#entries.keys()].sort((a, b) => a - b);
  }

  /** A STRING tag, or the first string of an I18NSTRING / STRING_ARRAY tag. */
  string(tag: number): string | undefined {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return undefined;
    if (!isStringType(entry.type)) throw new HeaderFormatError(`tag ${tag} is type ${entry.type}, not a string`);
    const end = this.#data.indexOf(0, entry.offset);
    return this.#data.toString('utf8', entry.offset, end);
  }

  /** A STRING_ARRAY (or STRING / I18NSTRING) tag as all its strings. */
  strings(tag: number): string[] | undefined {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return undefined;
    if (!isStringType(entry.type)) throw new HeaderFormatError(`tag ${tag} is type ${entry.type}, not a string array`);
    const out: string[] = [];
    let pos = entry.offset;
    for (let i = 0; i < entry.count; i++) {
      const end = this.#data.indexOf(0, pos);
      out.push(this.#data.toString('utf8', pos, end));
      pos = end + 1;
    }
    return out;
  }

  /** An integer tag (INT8/16/32/64, CHAR) as unsigned numbers. */
  numbers(tag: number): number[] | undefined {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return undefined;
    const data = this.#data;
    const out = new Array<number>(entry.count);
    switch (entry.type) {
      case RpmType.CHAR:
      case RpmType.INT8:
        for (let i = 0; i < entry.count; i++) out[i] = data.readUInt8(entry.offset + i);
        return out;
      case RpmType.INT16:
        for (let i = 0; i < entry.count; i++) out[i] = data.readUInt16BE(entry.offset + 2 * i);
        return out;
      case RpmType.INT32:
        for (let i = 0; i < entry.count; i++) out[i] = data.readUInt32BE(entry.offset + 4 * i);
        return out;
      case RpmType.INT64:
        for (let i = 0; i < entry.count; i++) out[i] = Number(data.readBigUInt64BE(entry.offset + 8 * i));
        return out;
      default:
        throw new HeaderFormatError(`tag ${tag} is type ${entry.type}, not an integer`);
    }
  }

  /** The first value of an integer tag. */
  number(tag: number): number | undefined {
    return this.numbers(tag)?.[0];
  }

  /** A BIN tag's bytes (a copy-free view). */
  bytes(tag: number): Buffer | undefined {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return undefined;
    if (entry.type !== RpmType.BIN) throw new HeaderFormatError(`tag ${tag} is type ${entry.type}, not binary`);
    return this.#data.subarray(entry.offset, entry.offset + entry.length);
  }
}

function isStringType(type: number): boolean {
  return type === RpmType.STRING || type === RpmType.STRING_ARRAY || type === RpmType.I18NSTRING;
}

/** Parse and validate a header blob. Never throws: a bad blob gives `{ ok: false, reason }`. */
export function parseHeader(blob: Buffer): ParseHeaderResult {
  try {
    return { ok: true, header: parseOrThrow(blob) };
  } catch (error) {
    if (error instanceof HeaderFormatError) return { ok: false, reason: error.message };
    throw error;
  }
}

function parseOrThrow(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new HeaderFormatError(`header blob is ${blob.length} bytes, shorter than its 8-byte preamble`);
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > MAX_INDEX_ENTRIES) throw new HeaderFormatError(`header index count ${il} is outside 1..${MAX_INDEX_ENTRIES}`);
  if (dl > MAX_DATA_BYTES) throw new HeaderFormatError(`header data length ${dl} exceeds ${MAX_DATA_BYTES}`);
  const dataStart = 8 + il * ENTRY_BYTES;
  const need = dataStart + dl;
  if (need > blob.length) {
    throw new HeaderFormatError(`header is truncated: ${il} entries and ${dl} data bytes need ${need} bytes, blob has ${blob.length}`);
  }
  const data = blob.subarray(dataStart, need);

  const raw: HeaderEntry[] = [];
  for (let i = 0; i < il; i++) {
    const at = 8 + i * ENTRY_BYTES;
    raw.push({
      tag: blob.readInt32BE(at),
      type: blob.readUInt32BE(at + 4),
      offset: blob.readInt32BE(at + 8),
      count: blob.readUInt32BE(at + 12),
      length: 0,
    });
  }

  const first = raw[0];
  let startIndex = 0;
  if (first !== undefined && isRegionTag(first.tag)) {
    verifyRegion(first, data, il);
    startIndex = 1;
  }

  const entries = new Map<number, HeaderEntry>();
  for (let i = startIndex; i < raw.length; i++) {
    const entry = raw[i];
    if (entry === undefined) continue;
    entry.length = verifyEntry(entry, data);
    // Entries after the region ("dribbles") replace region entries of the same tag, as rpm's headerImport does.
    entries.set(entry.tag, entry);
  }
  return new RpmHeader(data, entries);
}

function isRegionTag(tag: number): boolean {
  return tag === RegionTag.HEADERIMAGE || tag === RegionTag.HEADERSIGNATURES || tag === RegionTag.HEADERIMMUTABLE;
}

function verifyRegion(region: HeaderEntry, data: Buffer, il: number): void {
  if (region.type !== RpmType.BIN || region.count !== ENTRY_BYTES) {
    throw new HeaderFormatError(`region tag ${region.tag} has type ${region.type} and count ${region.count}, want BIN and 16`);
  }
  if (region.offset < 0 || region.offset + ENTRY_BYTES > data.length) {
    throw new HeaderFormatError(`region tag ${region.tag} trailer at offset ${region.offset} is outside the ${data.length}-byte data store`);
  }
  const trailerTag = data.readInt32BE(region.offset);
  const trailerType = data.readUInt32BE(region.offset + 4);
  const trailerOffset = data.readInt32BE(region.offset + 8);
  const trailerCount = data.readUInt32BE(region.offset + 12);
  const tagMatches =
    trailerTag === region.tag ||
    (region.tag === RegionTag.HEADERSIGNATURES && trailerTag === RegionTag.HEADERIMAGE);
  if (!tagMatches || trailerType !== RpmType.BIN || trailerCount !== ENTRY_BYTES) {
    throw new HeaderFormatError(`region tag ${region.tag} has a bad trailer (tag ${trailerTag}, type ${trailerType}, count ${trailerCount})`);
  }
  const regionBytes = -trailerOffset;
  const ril = regionBytes / ENTRY_BYTES;
  if (trailerOffset >= 0 || regionBytes % ENTRY_BYTES !== 0 || ril > il) {
    throw new HeaderFormatError(`region tag ${region.tag} claims ${regionBytes} index bytes; the header has ${il} entries`);
  }
}

/** Check one entry against the data store; return the bytes it covers. */
function verifyEntry(entry: HeaderEntry, data: Buffer): number {
  const where = `tag ${entry.tag}`;
  if (entry.type > RpmType.I18NSTRING || entry.type === RpmType.NULL) {
    throw new HeaderFormatError(`${where} has unknown type ${entry.type}`);
  }
  if (entry.offset < 0 || entry.offset > data.length) {
    throw new HeaderFormatError(`${where} offset ${entry.offset} points outside the ${data.length}-byte data store`);
  }
  if (entry.count < 1) throw new HeaderFormatError(`${where} has count 0`);
  const room = data.length - entry.offset;
  const size = FIXED_SIZES[entry.type];
  if (size !== undefined) {
    if (entry.offset % size !== 0) throw new HeaderFormatError(`${where} offset ${entry.offset} is not aligned to ${size}`);
    if (entry.count > room / size) {
      throw new HeaderFormatError(`${where} needs ${entry.count} x ${size} bytes at offset ${entry.offset}; the data store has ${room} left`);
    }
    return entry.count * size;
  }
  if (entry.type === RpmType.STRING && entry.count !== 1) throw new HeaderFormatError(`${where} is a STRING with count ${entry.count}`);
  // Each string takes at least its NUL byte: a count larger than the room left cannot fit.
  if (entry.count > room) {
    throw new HeaderFormatError(`${where} claims ${entry.count} strings at offset ${entry.offset}; the data store has ${room} bytes left`);
  }
  let pos = entry.offset;
  for (let i = 0; i < entry.count; i++) {
    const end = data.indexOf(0, pos);
    if (end < 0) throw new HeaderFormatError(`${where} string ${i} at offset ${pos} is not NUL-terminated inside the data store`);
    pos = end + 1;
  }
  return pos - entry.offset;
}
