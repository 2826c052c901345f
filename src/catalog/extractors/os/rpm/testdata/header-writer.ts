import { RegionTag, RpmType } from '../tags.js';

/**
 * Writes rpm header blobs in the database layout (an immutable region, then the entries). Used by the tests to
 * make well-formed and hostile headers from known values; the layout mirrors what `parseHeader` reads.
 */

export type HeaderValue =
  | { type: 'string'; value: string }
  | { type: 'i18n'; value: string[] }
  | { type: 'strings'; value: string[] }
  | { type: 'int8'; value: number[] }
  | { type: 'int16'; value: number[] }
  | { type: 'int32'; value: number[] }
  | { type: 'int64'; value: number[] }
  | { type: 'bin'; value: Buffer };

export interface HeaderField {
  tag: number;
  value: HeaderValue;
}

const TYPE_CODES: Record<HeaderValue['type'], number> = {
  string: RpmType.STRING,
  i18n: RpmType.I18NSTRING,
  strings: RpmType.STRING_ARRAY,
  int8: RpmType.INT8,
  int16: RpmType.INT16,
  int32: RpmType.INT32,
  int64: RpmType.INT64,
  bin: RpmType.BIN,
};

const ALIGN: Partial<Record<HeaderValue['type'], number>> = { int16: 2, int32: 4, int64: 8 };

function encode(value: HeaderValue): { bytes: Buffer; count: number } {
  switch (value.type) {
    case 'string':
      return { bytes: Buffer.from(`${value.value}\0`), count: 1 };
    case 'i18n':
    case 'strings':
      return { bytes: Buffer.from(value.value.map((s) => `${s}\0`).join('')), count: value.value.length };
    case 'int8':
      return { bytes: Buffer.from(value.value), count: value.value.length };
    case 'int16': {
      const b = Buffer.alloc(2 * value.value.length);
      value.value.forEach((v, i) => b.writeUInt16BE(v, 2 * i));
      return { bytes: b, count: value.value.length };
    }
    case 'int32': {
      const b = Buffer.alloc(4 * value.value.length);
      value.value.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
      return { bytes: b, count: value.value.length };
    }
    case 'int64': {
      const b = Buffer.alloc(8 * value.value.length);
      value.value.forEach((v, i) => b.writeBigUInt64BE(BigInt(v), 8 * i));
      return { bytes: b, count: value.value.length };
    }
    case 'bin':
      return { bytes: value.value, count: value.value.length };
  }
}

export interface WriteHeaderOptions {
  /** Wrap `fields` in an immutable region (default true); false gives a legacy header. */
  region?: boolean;
  /** Entries after the region, as rpm appends them to installed headers (they override region entries). */
  dribbles?: readonly HeaderField[];
}

/** A header blob with an immutable region around all `fields`, then the `dribbles`. */
export function writeHeader(fields: readonly HeaderField[], options: WriteHeaderOptions = {}): Buffer {
  const region = options.region ?? true;
  const index: Buffer[] = [];
  const chunks: Buffer[] = [];
  let dataLength = 0;
  const add = (field: HeaderField): void => {
    const { bytes, count } = encode(field.value);
    const align = ALIGN[field.value.type] ?? 1;
    const pad = (align - (dataLength % align)) % align;
    if (pad > 0) {
      chunks.push(Buffer.alloc(pad));
      dataLength += pad;
    }
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(field.tag, 0);
    entry.writeUInt32BE(TYPE_CODES[field.value.type], 4);
    entry.writeInt32BE(dataLength, 8);
    entry.writeUInt32BE(count, 12);
    index.push(entry);
    chunks.push(bytes);
    dataLength += bytes.length;
  };
  fields.forEach(add);
  if (region) {
    const il = index.length + 1;
    const trailer = Buffer.alloc(16);
    trailer.writeInt32BE(RegionTag.HEADERIMMUTABLE, 0);
    trailer.writeUInt32BE(RpmType.BIN, 4);
    trailer.writeInt32BE(-il * 16, 8);
    trailer.writeUInt32BE(16, 12);
    const regionEntry = Buffer.alloc(16);
    regionEntry.writeInt32BE(RegionTag.HEADERIMMUTABLE, 0);
    regionEntry.writeUInt32BE(RpmType.BIN, 4);
    regionEntry.writeInt32BE(dataLength, 8);
    regionEntry.writeUInt32BE(16, 12);
    index.unshift(regionEntry);
    chunks.push(trailer);
    dataLength += 16;
  }
  (options.dribbles ?? []).forEach(add);
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(index.length, 0);
  preamble.writeUInt32BE(dataLength, 4);
  return Buffer.concat([preamble, ...index, ...chunks]);
}
