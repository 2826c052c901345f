/**
 * The `KEY=value` syntax of os-release(5) and lsb-release: a restricted shell assignment per line.
 * Spec: https://www.freedesktop.org/software/systemd/man/latest/os-release.html#Syntax
 *
 * - blank lines and lines starting with `#` are ignored;
 * - keys are `[A-Za-z_][A-Za-z0-9_]*`; lines that are not assignments are ignored, as the spec tells readers to;
 * - values may be unquoted, "double-quoted" (backslash escapes `\\ \" \$ \``, other backslashes stay) or
 *   'single-quoted' (no escapes), and may mix them as a shell word does; an unquoted backslash escapes the next
 *   character; unquoted whitespace ends the value (a trailing comment is dropped);
 * - an unterminated quote takes the rest of the line (multi-line values are not allowed by the spec);
 * - a later assignment of the same key wins, as in a shell.
 */

/** Longest value kept: real values are a few dozen characters. */
export const maxValueLength = 1_024;
/** Most distinct keys kept from one file. */
export const maxKeys = 256;

const keyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/u;

/** Parse os-release style assignments. Never throws; malformed lines are skipped. */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const line = text.slice(pos, end);
    pos = end + 1;
    const assignment = parseAssignment(line);
    if (assignment === undefined) continue;
    const [key, value] = assignment;
    if (value.length > maxValueLength) continue;
    if (!values.has(key) && values.size >= maxKeys) continue;
    values.set(key, value);
  }
  return values;
}

function parseAssignment(rawLine: string): [string, string] | undefined {
  const line = rawLine.replace(/^[ \t]+/u, '').replace(/[\r]+$/u, '');
  if (line === '' || line.startsWith('#')) return undefined;
  const eq = line.indexOf('=');
  if (eq <= 0) return undefined;
  // `export KEY=value` is valid shell and appears in hand-written files.
  let key = line.slice(0, eq);
  if (key.startsWith('export ')) key = key.slice('export '.length).trimStart();
  if (!keyPattern.test(key)) return undefined;
  return [key, parseShellWord(line.slice(eq + 1))];
}

/** One shell word, with the quoting the spec allows. */
function parseShellWord(input: string): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === ' ' || ch === '\t') break;
    if (ch === '"') {
      i += 1;
      while (i < input.length && input[i] !== '"') {
        const c = input[i]!;
        if (c === '\\' && i + 1 < input.length && '\\"$`'.includes(input[i + 1]!)) {
          out += input[i + 1]!;
          i += 2;
        } else {
          out += c;
          i += 1;
        }
      }
      i += 1; // closing quote (or past the end)
    } else if (ch === "'") {
      const close = input.indexOf("'", i + 1);
      const stop = close === -1 ? input.length : close;
      out += input.slice(i + 1, stop);
      i = stop + 1;
    } else if (ch === '\\') {
      if (i + 1 < input.length) out += input[i + 1]!;
      i += 2;
    } else {
      out += ch;
      i += 1;
    }
    if (out.length > maxValueLength) return out; // caller drops it; stop scanning a hostile line early
  }
  return out;
}
