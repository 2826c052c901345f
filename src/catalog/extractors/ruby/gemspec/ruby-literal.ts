/**
 * A reader for the few Ruby literals RubyGems writes into installed `*.gemspec` files
 * (`Gem::Specification#to_ruby`): `"double"` and `'single'` quoted strings, `%q<…>`/`%Q{…}` strings, each with an
 * optional `.freeze`, and flat arrays of those. Nothing is evaluated; anything else is "not a literal".
 */

/** A literal read from `text` starting at an offset, and the offset just after it. */
export interface Read<T> {
  value: T;
  end: number;
}

/** Longest string literal accepted: names, versions and licences are short; the cap bounds the work per line. */
const maxLiteralLength = 64 * 1024;
/** Most elements read from one array literal. */
const maxArrayElements = 4096;

const closing: Record<string, string> = { '<': '>', '{': '}', '(': ')', '[': ']' };

const simpleEscapes: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  s: ' ',
  e: '\u001b',
  a: '\u0007',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/** `.freeze` right after a literal is a no-op for its value. */
function skipFreeze(text: string, at: number): number {
  return text.startsWith('.freeze', at) ? at + '.freeze'.length : at;
}

/** A double-quoted body: Ruby escapes as `String#inspect` writes them (`\u00E9`, `\u{1F600}`, `\xE9`, `\#`). */
function readDoubleQuoted(text: string, start: number, close: string, open: string | undefined): Read<string> | undefined {
  let out = '';
  let depth = 0;
  let i = start;
  while (i < text.length && i - start <= maxLiteralLength) {
    const c = text[i]!;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined) return undefined;
      if (n === 'u') {
        if (text[i + 2] === '{') {
          const end = text.indexOf('}', i + 3);
          if (end < 0 || end - i > 64) return undefined;
          for (const hex of text.slice(i + 3, end).trim().split(/\s+/)) {
            const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
            if (!(code <= 0x10ffff)) return undefined;
            out += String.fromCodePoint(code);
          }
          i = end + 1;
        } else {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        }
        continue;
      }
      if (n === 'x') {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4))?.[0];
        if (hex === undefined) return undefined;
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 2 + hex.length;
        continue;
      }
      out += simpleEscapes[n] ?? n;
      i += 2;
      continue;
    }
    if (open !== undefined && c === open) depth++;
    else if (c === close) {
      if (depth === 0) return { value: out, end: i + 1 };
      depth--;
    }
    out += c;
    i++;
  }
  return undefined;
}

/** A single-quoted body: only `\\` and the closing delimiter are escapes. */
function readSingleQuoted(text: string, start: number, close: string, open: string | undefined): Read<string> | undefined {
  let out = '';
  let depth = 0;
  let i = start;
  while (i < text.length && i - start <= maxLiteralLength) {
    const c = text[i]!;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '\\' || n === close || (open !== undefined && n === open)) {
        out += n;
        i += 2;
        continue;
      }
    } else if (open !== undefined && c === open) depth++;
    else if (c === close) {
      if (depth === 0) return { value: out, end: i + 1 };
      depth--;
    }
    out += c;
    i++;
  }
  return undefined;
}

/** One string literal at `at` (leading blanks allowed), with an optional `.freeze`. */
export function readString(text: string, at: number): Read<string> | undefined {
  const i = skipSpaces(text, at);
  const c = text[i];
  let read: Read<string> | undefined;
  if (c === '"') read = readDoubleQuoted(text, i + 1, '"', undefined);
  else if (c === "'") read = readSingleQuoted(text, i + 1, "'", undefined);
  else if (c === '%') {
    const kind = text[i + 1];
    const delimiter = text[i + 2];
    if ((kind !== 'q' && kind !== 'Q') || delimiter === undefined || /[A-Za-z0-9\s]/.test(delimiter)) return undefined;
    const close = closing[delimiter] ?? delimiter;
    const open = close === delimiter ? undefined : delimiter;
    read = kind === 'q' ? readSingleQuoted(text, i + 3, close, open) : readDoubleQuoted(text, i + 3, close, open);
  }
  if (read === undefined) return undefined;
  return { value: read.value, end: skipFreeze(text, read.end) };
}

/** A flat array of string literals (`["MIT".freeze, "Ruby".freeze]`), with an optional `.freeze`. */
export function readStringArray(text: string, at: number): Read<string[]> | undefined {
  let i = skipSpaces(text, at);
  if (text[i] !== '[') return undefined;
  i = skipSpaces(text, i + 1);
  const values: string[] = [];
  if (text[i] === ']') return { value: values, end: skipFreeze(text, i + 1) };
  while (values.length < maxArrayElements) {
    const item = readString(text, i);
    if (item === undefined) return undefined;
    values.push(item.value);
    i = skipSpaces(text, item.end);
    if (text[i] === ',') {
      i = skipSpaces(text, i + 1);
      continue;
    }
    if (text[i] === ']') return { value: values, end: skipFreeze(text, i + 1) };
    return undefined;
  }
  return undefined;
}

/** A string, or an array of strings. */
export function readStringOrArray(text: string, at: number): Read<string[]> | undefined {
  const single = readString(text, at);
  if (single !== undefined) return { value: [single.value], end: single.end };
  return readStringArray(text, at);
}
