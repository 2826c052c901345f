/**
 * The yarn v1 lockfile syntax (https://classic.yarnpkg.com/lang/en/docs/yarn-lock/): not YAML but yarn's own
 * indentation format. An entry starts at column 0 with its selectors (`a@^1, "a@~1.2":`); its fields are indented
 * by two spaces (`version "1.2.3"`, `resolved "…"`), and a field ending in `:` opens a block of `name range`
 * lines indented by four (`dependencies:`). Strings are quoted JSON-style when they need to be.
 */

export interface YarnV1Entry {
  /** 1-based line of the selectors. */
  line: number;
  selectors: string[];
  fields: Map<string, string>;
  /** `dependencies`, `optionalDependencies`, …: name → range. */
  blocks: Map<string, Map<string, string>>;
}

export interface YarnV1Parse {
  entries: YarnV1Entry[];
  problems: string[];
}

export function parseYarnV1(text: string): YarnV1Parse {
  const entries: YarnV1Entry[] = [];
  const problems: string[] = [];
  let entry: YarnV1Entry | undefined;
  let block: Map<string, string> | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const indent = line.length - body.length;
    const where = `line ${i + 1}`;
    if (indent === 0) {
      block = undefined;
      entry = undefined;
      if (!body.endsWith(':')) {
        problems.push(`${where}: expected an entry's selectors ending in ':'`);
        continue;
      }
      const selectors = splitSelectors(body.slice(0, -1));
      if (selectors === undefined || selectors.length === 0) {
        problems.push(`${where}: unreadable selectors`);
        continue;
      }
      entry = { line: i + 1, selectors, fields: new Map(), blocks: new Map() };
      entries.push(entry);
      continue;
    }
    if (entry === undefined) continue; // the rest of an entry already reported
    const tokens = tokenize(body);
    if (tokens === undefined || tokens.length === 0) {
      problems.push(`${where}: unreadable line`);
      continue;
    }
    if (indent <= 2) {
      block = undefined;
      const [key, value] = tokens;
      if (tokens.length === 1 && key!.endsWith(':')) {
        block = new Map();
        entry.blocks.set(key!.slice(0, -1), block);
      } else if (tokens.length === 2) {
        entry.fields.set(stripColon(key!), value!);
      } else {
        problems.push(`${where}: expected "key value"`);
      }
      continue;
    }
    if (block !== undefined && tokens.length === 2) block.set(stripColon(tokens[0]!), tokens[1]!);
    // Deeper levels (none in files yarn writes) are ignored.
  }
  return { entries, problems };
}

function stripColon(key: string): string {
  return key.endsWith(':') ? key.slice(0, -1) : key;
}

/** `a@^1, "b@~2"` → [`a@^1`, `b@~2`]. */
function splitSelectors(text: string): string[] | undefined {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    while (text[pos] === ' ') pos++;
    if (pos >= text.length) break;
    let value: string;
    if (text[pos] === '"') {
      const read = readQuoted(text, pos);
      if (read === undefined) return undefined;
      value = read.value;
      pos = read.end;
    } else {
      const comma = text.indexOf(',', pos);
      const end = comma < 0 ? text.length : comma;
      value = text.slice(pos, end).trim();
      pos = end;
    }
    if (value !== '') out.push(value);
    while (text[pos] === ' ') pos++;
    if (pos < text.length) {
      if (text[pos] !== ',') return undefined;
      pos++;
    }
  }
  return out;
}

/** Space-separated tokens, each bare or a quoted string. */
function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text[pos] === ' ') {
      pos++;
      continue;
    }
    if (text[pos] === '"') {
      const read = readQuoted(text, pos);
      if (read === undefined) return undefined;
      // A quoted key may be followed directly by ':' (`"dependencies":`).
      let value = read.value;
      pos = read.end;
      if (text[pos] === ':') {
        value += ':';
        pos++;
      }
      out.push(value);
      continue;
    }
    let end = text.indexOf(' ', pos);
    if (end < 0) end = text.length;
    out.push(text.slice(pos, end));
    pos = end;
  }
  return out;
}

/** A JSON-style quoted string starting at `start` (the opening quote). */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let pos = start + 1;
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === '\\') pos += 2;
    else if (ch === '"') break;
    else pos++;
  }
  if (pos >= text.length) return undefined;
  const raw = text.slice(start, pos + 1);
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? { value, end: pos + 1 } : undefined;
  } catch {
    return { value: raw.slice(1, -1), end: pos + 1 };
  }
}
