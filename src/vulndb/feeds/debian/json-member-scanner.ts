/**
 * Streams the members of a top-level JSON object — `{"a": {…}, "b": {…}}` yields `a` then `b` — without holding
 * the document: it scans bytes for the end of each member value (tracking strings, escapes and nesting), keeps
 * only that value's bytes, and parses it with `JSON.parse`. Per-member caps bound memory; a member over a cap is
 * reported (`error`) and scanned past without being buffered, so one hostile member does not stop the rest.
 * A document that is not an object, is cut short, or has trailing data throws `E_FEED_FORMAT` naming the file.
 */
import { feedFormatError } from '../common/feed-file.js';

export interface MemberLimits {
  maxKeyBytes: number;
  /** Bytes of one member's value. */
  maxValueBytes: number;
  /** Bytes of one string inside a value. */
  maxStringBytes: number;
  /** Nesting depth inside a value. */
  maxDepth: number;
}

export type ScannedMember = { key: string; value: unknown } | { key: string; error: string };

type State = 'start' | 'key-or-end' | 'key' | 'in-key' | 'colon' | 'value-start' | 'in-value' | 'comma-or-end' | 'done';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** A UTF-8 byte order mark (EF BB BF) at the very start. */
function isBom(byte: number, at: number): boolean {
  return (at === 0 && byte === 0xef) || (at === 1 && byte === 0xbb) || (at === 2 && byte === 0xbf);
}

/** @example for await (const m of scanObjectMembers(readFeedBytes(input, o), 'debian.json', limits)) … */
export async function* scanObjectMembers(chunks: AsyncIterable<Uint8Array>, label: string, limits: MemberLimits): AsyncGenerator<ScannedMember> {
  let state = 'start' as State;
  let offset = 0;
  // key
  let keyParts: Buffer[] = [];
  let keySize = 0;
  let keyEscape = false;
  let key = '';
  // value
  let parts: Buffer[] = [];
  let size = 0;
  let depth = 0;
  let inString = false;
  let escape = false;
  let stringSize = 0;
  let primitive = false;
  let problem: string | undefined;

  const fail = (at: number, message: string): never => {
    throw feedFormatError(label, `${message} at byte ${at}`);
  };
  const finishValue = (): ScannedMember => {
    const bytes = Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (problem !== undefined) {
      const error = problem;
      problem = undefined;
      return { key, error };
    }
    try {
      return { key, value: JSON.parse(bytes.toString('utf8')) as unknown };
    } catch (error) {
      return { key, error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
    }
  };

  for await (const raw of chunks) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let i = 0;
    let valueStart = -1;
    const length = chunk.length;
    while (i < length) {
      const byte = chunk[i] as number;
      switch (state) {
        case 'start':
          if (byte === OPEN_BRACE) state = 'key-or-end';
          else if (!isSpace(byte) && !isBom(byte, offset + i)) fail(offset + i, 'not a JSON object');
          i++;
          break;
        case 'key-or-end':
        case 'key':
          if (byte === QUOTE) {
            state = 'in-key';
            keyParts = [];
            keySize = 0;
            keyEscape = false;
          } else if (byte === CLOSE_BRACE && state === 'key-or-end') state = 'done';
          else if (!isSpace(byte)) fail(offset + i, 'expected a member name');
          i++;
          break;
        case 'in-key': {
          // Scan to the closing quote in one go.
          let j = i;
          while (j < length) {
            const b = chunk[j] as number;
            if (keyEscape) keyEscape = false;
            else if (b === BACKSLASH) keyEscape = true;
            else if (b === QUOTE) break;
            j++;
          }
          if (keySize <= limits.maxKeyBytes) keyParts.push(chunk.subarray(i, j));
          keySize += j - i;
          if (j < length) {
            if (keySize > limits.maxKeyBytes) fail(offset + j, `member name longer than ${limits.maxKeyBytes} bytes`);
            try {
              key = JSON.parse(`"${Buffer.concat(keyParts).toString('utf8')}"`) as string;
            } catch {
              fail(offset + j, 'malformed member name');
            }
            state = 'colon';
            j++;
          }
          i = j;
          break;
        }
        case 'colon':
          if (byte === COLON) state = 'value-start';
          else if (!isSpace(byte)) fail(offset + i, "expected ':'");
          i++;
          break;
        case 'value-start':
          if (isSpace(byte)) {
            i++;
            break;
          }
          if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === COLON) fail(offset + i, 'expected a value');
          state = 'in-value';
          depth = 0;
          inString = false;
          escape = false;
          primitive = byte !== OPEN_BRACE && byte !== OPEN_BRACKET && byte !== QUOTE;
          problem = undefined;
          parts = [];
          size = 0;
          valueStart = i;
          break;
        case 'in-value': {
          let j = i;
          let done = false;
          while (j < length) {
            const b = chunk[j] as number;
            if (inString) {
              if (escape) escape = false;
              else if (b === BACKSLASH) escape = true;
              else if (b === QUOTE) {
                inString = false;
                if (depth === 0) {
                  j++;
                  done = true;
                  break;
                }
              }
              if (inString && ++stringSize > limits.maxStringBytes && problem === undefined) {
                problem = `a string longer than ${limits.maxStringBytes} bytes`;
              }
            } else if (primitive) {
              if (isSpace(b) || b === COMMA || b === CLOSE_BRACE) {
                done = true;
                break;
              }
            } else if (b === QUOTE) {
              inString = true;
              stringSize = 0;
            } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
              if (++depth > limits.maxDepth && problem === undefined) problem = `nested deeper than ${limits.maxDepth}`;
            } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
              if (--depth === 0) {
                j++;
                done = true;
                break;
              }
            }
            j++;
          }
          if (valueStart === -1) valueStart = i;
          collect(chunk.subarray(valueStart, j));
          valueStart = -1;
          i = j;
          if (done) {
            state = 'comma-or-end';
            yield finishValue();
          }
          break;
        }
        case 'comma-or-end':
          if (byte === COMMA) state = 'key';
          else if (byte === CLOSE_BRACE) state = 'done';
          else if (!isSpace(byte)) fail(offset + i, "expected ',' or '}'");
          i++;
          break;
        case 'done':
          if (!isSpace(byte)) fail(offset + i, 'data after the end of the JSON object');
          i++;
          break;
      }
    }
    offset += length;
  }
  if (state === 'in-value' && primitive) {
    // A primitive value runs to the end of input: the object is still unterminated.
    fail(offset, 'truncated JSON (input ended inside a value)');
  }
  if (state !== 'done') fail(offset, state === 'start' ? 'empty input, expected a JSON object' : 'truncated JSON (input ended before the closing brace)');

  function collect(piece: Buffer): void {
    if (problem === undefined && size + piece.length > limits.maxValueBytes) {
      problem = `a value larger than ${limits.maxValueBytes} bytes`;
    }
    if (problem !== undefined) {
      parts = [];
      size = 0;
      return;
    }
    if (piece.length > 0) {
      parts.push(piece);
      size += piece.length;
    }
  }
}
