import type { FileRecord, ImageDescription, Inventory, Package } from '../core/model.js';
import { GroutError } from '../core/errors.js';
import { isUnownedExecutable, rememberUnownedExecutables } from './file-subsets.js';

/**
 * A whole inventory as bytes, for the image-level result cache. A warm rescan decodes one of these and little else,
 * so the layout is made for decoding: the file records (53,000 of them on a 1.9 GB Debian image, the bulk of the
 * entry) are stored by column, not as JSON objects:
 *
 * ```
 * "GIC3" · u32 LE byte lengths of: header, ASCII text, other text, numbers · header (JSON) · ASCII text · other text
 * (UTF-8) · numbers
 * ```
 *
 * - the header holds the inventory's own keys in order, the packages (each one's owned paths as indices into the
 *   file records), the other fields as they are, the file-record shapes (each record's keys in order, and how each
 *   value is stored), a dictionary of short repeated strings (file types, digest algorithms), the values stored
 *   as plain JSON, and — whole, as JSON — the few records no package owns that are executables;
 * - text is every string value of every record (paths, digests, link targets) back to back, decoded as one string
 *   and sliced; ASCII strings (nearly all) apart from the rest, as their bytes decode three times faster as Latin-1;
 * - numbers is one stream of unsigned LEB128 integers read in record order: each record's shape, then its values
 *   (sizes, modes, layers, string lengths, dictionary indices, owner package indices).
 *
 * Decoding parses the header; the file records, and the packages' owned paths that name them, are built when first
 * read, after one walk of the number stream that checks it whole and builds nothing (checkRecords)
 * (CycloneDX, the table and `scan` read neither; they get the unowned executables from the header through
 * catalog/file-subsets.ts), which took a warm `grout sbom -f cyclonedx` of the 1.9 GB image from 0.36-0.40 s to
 * 0.27-0.29 s and its peak RSS from 108 to 79 MB (a busy two-core machine; `-f json` reads every record: unchanged).
 * Decoding them makes no intermediate objects (JSON.parse of row arrays made as many as the records themselves, and
 * decoding took ~0.12 s of a 0.5 s rescan). Keys keep their order and any value the columns cannot hold exactly
 * (a string with surrogates, a negative or fractional number, an owner that is not a package) is stored as JSON,
 * so whatever the inventory is encoded to afterwards is byte-identical to the inventory the catalog built. The
 * image description is not stored: the caller supplies the one it just read (its reference and tags are the
 * user's, not the layers'). Bump INVENTORY_CODEC_VERSION when the layout changes.
 */
export const INVENTORY_CODEC_VERSION = 3;

/** A payload that cannot be an inventory of this format: the caller builds the inventory afresh. */
export class InventoryCodecError extends Error {}

const MAGIC = Buffer.from('GIC3', 'latin1');
const PREFIX_BYTES = 20;

/** How one value of a file record is stored. */
const HOW_TEXT = 't';
const HOW_WIDE_TEXT = 'u';
const HOW_WORD = 'w';
const HOW_NUMBER = 'n';
const HOW_OWNERS = 'o';
const HOW_DIGESTS = 'd';
const HOW_JSON = 'j';
type How = typeof HOW_TEXT | typeof HOW_WIDE_TEXT | typeof HOW_WORD | typeof HOW_NUMBER | typeof HOW_OWNERS | typeof HOW_DIGESTS | typeof HOW_JSON;

/** Keys whose string values repeat a few words (file types): kept in the dictionary, not the text. */
const WORD_KEYS = new Set(['type']);

interface Header {
  keys: string[];
  packages: unknown[];
  rest: Record<string, unknown>;
  count: number;
  /** Each shape: `how` + key per value, in the record's key order, e.g. `tpath`, `nlayer`. */
  shapes: string[][];
  words: string[];
  json: unknown[];
  /** The records no package owns that are executables, whole, as JSON: what most outputs need of the files. */
  unowned: unknown[];
}

/** Files per text chunk: the payload is built as a list of buffers, never as one large string. */
const FILES_PER_CHUNK = 2000;
const NUMBER_CHUNK_BYTES = 64 * 1024;
const SURROGATE = /[\ud800-\udfff]/;
const NOT_ASCII = /[^\x00-\x7f]/;

/** Strings back to back, as a list of buffers. */
class TextWriter {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  private parts: string[] = [];

  constructor(private readonly encoding: 'latin1' | 'utf8') {}

  write(value: string): void {
    this.parts.push(value);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''), this.encoding);
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    this.parts = [];
  }
}

/** Unsigned LEB128 integers into a list of fixed-size buffers. */
class NumberWriter {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  private current = Buffer.allocUnsafe(NUMBER_CHUNK_BYTES);
  private pos = 0;

  write(value: number): void {
    if (this.pos + 8 > this.current.length) this.flush();
    let v = value;
    while (v >= 0x80) {
      this.current[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.current[this.pos++] = v;
  }

  flush(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.current.subarray(0, this.pos));
    this.bytes += this.pos;
    this.current = Buffer.allocUnsafe(NUMBER_CHUNK_BYTES);
    this.pos = 0;
  }
}

/** Largest number the stream holds: 7 LEB128 bytes (49 bits), far above any size, mode or count in an image. */
const MAX_STREAM_NUMBER = 2 ** 49 - 1;

/**
 * The payload as a list of buffers to write one after another. The text is built a chunk of records at a time
 * and the numbers in 64 KB buffers, so encoding a large image's inventory at the end of a scan, when the heap is at
 * its fullest, adds little to peak memory. Throws RangeError for an inventory too large for the layout.
 */
export function encodeInventoryPayload(inventory: Inventory): Buffer[] {
  const fileIndex = new Map<string, number>();
  inventory.files.forEach((file, i) => fileIndex.set(file.path, i));
  const packageIndex = new Map(inventory.packages.map((pkg, i) => [pkg.id, i]));
  const shapeIds = new Map<string, number>();
  const shapes: string[][] = [];
  const wordIds = new Map<string, number>();
  const words: string[] = [];
  const json: unknown[] = [];
  const numbers = new NumberWriter();
  const ascii = new TextWriter('latin1');
  const wide = new TextWriter('utf8');
  const word = (value: string): number => {
    let id = wordIds.get(value);
    if (id === undefined) {
      id = words.length;
      words.push(value);
      wordIds.set(value, id);
    }
    return id;
  };
  const number = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_STREAM_NUMBER;
  const textual = (value: unknown): value is string => typeof value === 'string' && !SURROGATE.test(value);
  const howOf = (key: string, value: unknown): How => {
    if (key === 'owners') return Array.isArray(value) && value.every((id) => typeof id === 'string' && packageIndex.has(id)) ? HOW_OWNERS : HOW_JSON;
    if (key === 'digests') return Array.isArray(value) && value.every(isPlainDigest) ? HOW_DIGESTS : HOW_JSON;
    if (number(value)) return HOW_NUMBER;
    if (textual(value)) return WORD_KEYS.has(key) ? HOW_WORD : NOT_ASCII.test(value) ? HOW_WIDE_TEXT : HOW_TEXT;
    return HOW_JSON;
  };
  const values: unknown[] = [];
  const hows: How[] = [];
  const encodeFile = (file: FileRecord): void => {
    const record = file as unknown as Record<string, unknown>;
    const shape: string[] = [];
    values.length = 0;
    hows.length = 0;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (value === undefined) continue;
      const how = howOf(key, value);
      shape.push(`${how}${key}`);
      values.push(value);
      hows.push(how);
    }
    const name = shape.join('\n');
    let shapeId = shapeIds.get(name);
    if (shapeId === undefined) {
      shapeId = shapes.length;
      shapes.push(shape);
      shapeIds.set(name, shapeId);
    }
    numbers.write(shapeId);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      switch (hows[i]) {
        case HOW_TEXT:
          numbers.write((value as string).length);
          ascii.write(value as string);
          break;
        case HOW_WIDE_TEXT:
          numbers.write((value as string).length);
          wide.write(value as string);
          break;
        case HOW_WORD:
          numbers.write(word(value as string));
          break;
        case HOW_NUMBER:
          numbers.write(value as number);
          break;
        case HOW_OWNERS:
          numbers.write((value as string[]).length);
          for (const id of value as string[]) numbers.write(packageIndex.get(id)!);
          break;
        case HOW_DIGESTS:
          numbers.write((value as { algorithm: string; value: string }[]).length);
          for (const digest of value as { algorithm: string; value: string }[]) {
            numbers.write(word(digest.algorithm));
            numbers.write(digest.value.length);
            ascii.write(digest.value);
          }
          break;
        default:
          json.push(value);
      }
    }
  };
  inventory.files.forEach((file, i) => {
    encodeFile(file);
    if ((i + 1) % FILES_PER_CHUNK === 0) ascii.flush();
  });
  ascii.flush();
  wide.flush();
  numbers.flush();

  const packages = inventory.packages.map((pkg) => ({ ...pkg, files: pkg.files.map((path) => fileIndex.get(path) ?? path) }));
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inventory)) {
    if (key !== 'image' && key !== 'files' && key !== 'packages') rest[key] = value;
  }
  const unowned = inventory.files.filter(isUnownedExecutable);
  const header: Header = { keys: Object.keys(inventory), packages, rest, count: inventory.files.length, shapes, words, json, unowned };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  for (const [at, length] of [[4, headerBytes.length], [8, ascii.bytes], [12, wide.bytes], [16, numbers.bytes]] as const) {
    if (length > 0xffffffff) throw new RangeError('inventory too large for the cache layout');
    prefix.writeUInt32LE(length, at);
  }
  return [prefix, headerBytes, ...ascii.chunks, ...wide.chunks, ...numbers.chunks];
}

function isPlainDigest(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  const digest = value as Record<string, unknown>;
  return (
    keys.length === 2 &&
    keys[0] === 'algorithm' &&
    keys[1] === 'value' &&
    typeof digest['algorithm'] === 'string' &&
    typeof digest['value'] === 'string' &&
    !NOT_ASCII.test(digest['value'])
  );
}

/**
 * The inventory a payload holds, with `image` as its description. Throws InventoryCodecError (never anything
 * else) for a payload that is not one of this format, or is cut short or damaged.
 */
export function decodeInventoryPayload(payload: Buffer, image: ImageDescription): Inventory {
  try {
    return decode(payload, image);
  } catch (err) {
    if (err instanceof InventoryCodecError) throw err;
    throw new InventoryCodecError(`not an inventory payload: ${(err as Error).message}`);
  }
}

function fail(reason: string): never {
  throw new InventoryCodecError(`inventory payload: ${reason}`);
}

function decode(payload: Buffer, image: ImageDescription): Inventory {
  if (payload.length < PREFIX_BYTES || !payload.subarray(0, MAGIC.length).equals(MAGIC)) fail('not an inventory payload of this format');
  const headerEnd = PREFIX_BYTES + payload.readUInt32LE(4);
  const asciiEnd = headerEnd + payload.readUInt32LE(8);
  const textEnd = asciiEnd + payload.readUInt32LE(12);
  const end = textEnd + payload.readUInt32LE(16);
  if (end !== payload.length) fail('section lengths do not add up');
  const header = readHeader(JSON.parse(payload.toString('utf8', PREFIX_BYTES, headerEnd)) as unknown);
  // Every record takes at least one byte of the number stream: the count is bounded by the payload.
  if (header.count > end - textEnd) fail('more records than numbers');
  const packages = header.packages as Package[];

  // The file records (and the packages' owned paths, which name them) are built when first read: CycloneDX, the
  // table and `scan` read neither, only the unowned executables kept apart in the header. The number stream they
  // come from is checked whole first (checkRecords: a walk that builds nothing, so a bad stream can neither throw
  // half way through nor make a huge allocation), and only then: on the benchmark image (53,000 records) the walk
  // takes 15-20 ms of a ~0.22 s warm rescan, building the records 100-130 ms. A torn or damaged entry never gets
  // here (the cache checks its CRC-32 and rebuilds it); one that passes the CRC and fails the walk was written by
  // something else, and reading its records fails with an error that names the cache and how to clear it.
  let files: FileRecord[] | undefined;
  const materialise = (): FileRecord[] => {
    if (files) return files;
    try {
      // Only the non-ASCII text (a few paths) is decoded as a string: its length in characters is what is checked.
      const wideText = payload.toString('utf8', asciiEnd, textEnd);
      checkRecords(payload, header, asciiEnd - headerEnd, wideText.length, textEnd, end);
      files = decodeFiles(payload, header, headerEnd, asciiEnd, wideText, textEnd, end);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new GroutError('E_INTERNAL', `the cached inventory of ${image.reference} is damaged (${reason})`, { hint: 'run `grout cache clean` and scan again' });
    }
    return files;
  };
  for (const pkg of packages) {
    const refs = pkg.files as unknown as (string | number)[];
    let paths: string[] | undefined;
    lazyProperty(pkg as unknown as Record<string, unknown>, 'files', () => {
      if (paths) return paths;
      const all = materialise();
      paths = refs.map((ref) => {
        if (typeof ref === 'string') return ref;
        const file = all[ref];
        if (!file) throw new GroutError('E_INTERNAL', `the cached inventory of ${image.reference} is damaged (owned file out of range)`, { hint: 'run `grout cache clean` and scan again' });
        return file.path;
      });
      return paths;
    });
  }
  const inventory: Record<string, unknown> = {};
  for (const key of header.keys) {
    if (key === 'image') inventory[key] = image;
    else if (key === 'files') lazyProperty(inventory, 'files', materialise);
    else if (key === 'packages') inventory[key] = packages;
    else if (Object.hasOwn(header.rest, key)) inventory[key] = header.rest[key];
  }
  for (const key of ['image', 'files', 'packages', 'relationships', 'issues', 'extractors']) {
    if (!(key in inventory)) fail(`no ${key}`);
  }
  rememberUnownedExecutables(inventory as unknown as Inventory, header.unowned as FileRecord[]);
  return inventory as unknown as Inventory;
}

/**
 * A property computed when first read, at the key's place in the object's key order (an existing key keeps its
 * place), enumerable like the plain value it stands for; once read, or when assigned, it is a plain value.
 */
function lazyProperty(target: Record<string, unknown>, key: string, compute: () => unknown): void {
  const settle = (value: unknown): void => {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** Every file record, built from the columns. */
function decodeFiles(payload: Buffer, header: Header, headerEnd: number, asciiEnd: number, wideText: string, textEnd: number, end: number): FileRecord[] {
  const ascii = new TextReader(payload.toString('latin1', headerEnd, asciiEnd));
  const wide = new TextReader(wideText);
  const { shapes, words, json } = header;
  const ownerIds = (header.packages as { id: string }[]).map((pkg) => pkg.id);
  let pos = textEnd;
  const next = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= end) fail('numbers cut short');
      const byte = payload[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    return fail('number too long');
  };
  const word = (id: number): string => (id < words.length ? words[id]! : fail('word out of range'));
  const owner = (ref: number): string => (ref < ownerIds.length ? ownerIds[ref]! : fail('owner out of range'));
  let jsonAt = 0;

  const keysOf = shapes.map((shape) => shape.map((entry) => entry.slice(1)));
  const howsOf = shapes.map((shape) => shape.map((entry) => entry[0]));
  const files: FileRecord[] = new Array<FileRecord>(header.count);
  for (let f = 0; f < header.count; f++) {
    const shapeId = next();
    const keys = keysOf[shapeId];
    const hows = howsOf[shapeId];
    if (!keys || !hows) fail('shape out of range');
    const record: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      switch (hows[k]) {
        case HOW_TEXT:
          record[key] = ascii.slice(next());
          break;
        case HOW_WIDE_TEXT:
          record[key] = wide.slice(next());
          break;
        case HOW_WORD:
          record[key] = word(next());
          break;
        case HOW_NUMBER:
          record[key] = next();
          break;
        case HOW_OWNERS: {
          const count = next();
          if (count > end - pos) fail('owners cut short');
          // Arrays made at their final size: most records have one owner and one digest, and a growing array
          // would reserve room for 17.
          let owners: string[];
          if (count === 1) owners = [owner(next())];
          else {
            owners = new Array<string>(count);
            for (let i = 0; i < count; i++) owners[i] = owner(next());
          }
          record[key] = owners;
          break;
        }
        case HOW_DIGESTS: {
          const count = next();
          if (count > end - pos) fail('digests cut short');
          let digests: { algorithm: string; value: string }[];
          if (count === 1) {
            const algorithm = word(next());
            digests = [{ algorithm, value: ascii.slice(next()) }];
          } else {
            digests = new Array<{ algorithm: string; value: string }>(count);
            for (let i = 0; i < count; i++) {
              const algorithm = word(next());
              digests[i] = { algorithm, value: ascii.slice(next()) };
            }
          }
          record[key] = digests;
          break;
        }
        case HOW_JSON:
          if (jsonAt >= json.length) fail('JSON values cut short');
          record[key] = json[jsonAt++];
          break;
        default:
          fail('unknown value layout');
      }
    }
    files[f] = record as unknown as FileRecord;
  }
  if (pos !== end || !ascii.done() || !wide.done() || jsonAt !== json.length) fail('values left over');

  return files;
}

/**
 * Walks the number stream once as decodeFiles reads it, building nothing, and fails as decodeFiles would: every
 * shape, word, owner and owned-file index in range, every number short enough, the text lengths adding up to the
 * two texts exactly and the JSON values all used. A payload that passes decodes without failing.
 */
function checkRecords(payload: Buffer, header: Header, asciiLength: number, wideLength: number, textEnd: number, end: number): void {
  const { words, json, count } = header;
  const wordCount = words.length;
  const ownerCount = header.packages.length;
  // Each shape as op codes; the walk is one loop with the stream position in a local and one-byte numbers read
  // inline (it runs mostly unoptimised, once per process: a closure over the position took half as long again).
  const ops = header.shapes.map((shape) => Uint8Array.from(shape, (entry) => OPS.indexOf(entry[0]!)));
  let pos = textEnd;
  let asciiUsed = 0;
  let wideUsed = 0;
  let jsonUsed = 0;
  for (let f = 0; f < count; f++) {
    // Numbers below 128 (one byte: nearly every shape id, index and count) are read here, the others by readNumber.
    let shapeId = payload[pos]!;
    if (shapeId < 0x80) pos++;
    else {
      shapeId = readNumber(payload, pos, end);
      pos = numberEnd;
    }
    const shape = ops[shapeId];
    if (!shape) fail('shape out of range');
    for (let k = 0; k < shape.length; k++) {
      const op = shape[k]!;
      if (op === OP_JSON) {
        jsonUsed++;
        continue;
      }
      if (op > OP_JSON) fail('unknown value layout');
      let value = payload[pos]!;
      if (value < 0x80) pos++;
      else {
        value = readNumber(payload, pos, end);
        pos = numberEnd;
      }
      if (op === OP_TEXT) asciiUsed += value;
      else if (op === OP_WIDE) wideUsed += value;
      else if (op === OP_WORD) {
        if (value >= wordCount) fail('word out of range');
      } else if (op === OP_OWNERS) {
        if (value > end - pos) fail('owners cut short');
        for (let i = 0; i < value; i++) {
          if (readNumber(payload, pos, end) >= ownerCount) fail('owner out of range');
          pos = numberEnd;
        }
      } else if (op === OP_DIGESTS) {
        if (value > end - pos) fail('digests cut short');
        for (let i = 0; i < value; i++) {
          if (readNumber(payload, pos, end) >= wordCount) fail('word out of range');
          asciiUsed += readNumber(payload, numberEnd, end);
          pos = numberEnd;
        }
      }
    }
  }
  // The sums only grow: past the text's length they never come back to equal it.
  if (pos !== end || asciiUsed !== asciiLength || wideUsed !== wideLength || jsonUsed !== json.length) fail('values left over');
}

/** How checkRecords reads each value layout (OP_NUMBER reads a number and checks nothing of it). */
const OPS = [HOW_NUMBER, HOW_TEXT, HOW_WIDE_TEXT, HOW_WORD, HOW_OWNERS, HOW_DIGESTS, HOW_JSON];
const [OP_TEXT, OP_WIDE, OP_WORD, OP_OWNERS, OP_DIGESTS, OP_JSON] = [1, 2, 3, 4, 5, 6] as const;

/** Where the number readNumber read last ended. */
let numberEnd = 0;

/** The LEB128 number at pos (at most 7 bytes, before end); sets numberEnd past it. */
function readNumber(bytes: Buffer, pos: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < pos + 7; i++) {
    if (i >= end) fail('numbers cut short');
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      numberEnd = i + 1;
      return value;
    }
    scale *= 0x80;
  }
  return fail('number too long');
}

/** Consecutive strings of one decoded text. */
class TextReader {
  private at = 0;

  constructor(private readonly text: string) {}

  slice(length: number): string {
    if (length > this.text.length - this.at) fail('text cut short');
    const value = this.text.slice(this.at, this.at + length);
    this.at += length;
    return value;
  }

  done(): boolean {
    return this.at === this.text.length;
  }
}

function readHeader(value: unknown): Header {
  if (!isObject(value)) fail('bad header');
  const { keys, packages, rest, count, shapes, words, json, unowned } = value;
  if (!isStringArray(keys) || !Array.isArray(packages) || !isObject(rest) || !Array.isArray(json) || !isStringArray(words)) fail('bad header');
  if (!Array.isArray(unowned) || !unowned.every((f) => isObject(f) && typeof f['path'] === 'string' && Array.isArray(f['owners']))) fail('bad unowned files');
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) fail('bad record count');
  // `__proto__` as a key would set a record's prototype instead of a field.
  const validEntry = (entry: string): boolean => entry.length > 1 && entry.slice(1) !== '__proto__';
  // Every record has a path and owners (what outputs read of every file).
  const required = (shape: string[]): boolean => ['path', 'owners'].every((key) => shape.some((entry) => entry.slice(1) === key));
  if (!Array.isArray(shapes) || !shapes.every((shape) => isStringArray(shape) && shape.every(validEntry) && required(shape))) fail('bad shapes');
  for (const pkg of packages) {
    if (!isObject(pkg) || !Array.isArray(pkg['files']) || typeof pkg['id'] !== 'string') fail('bad package');
  }
  return { keys, packages, rest, count, shapes: shapes as string[][], words, json, unowned };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
