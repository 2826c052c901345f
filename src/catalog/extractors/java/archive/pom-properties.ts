/**
 * `pom.properties` as Maven writes it: a Java properties file (`key=value`, `key: value` or `key value`; `#` and
 * `!` comments; a trailing backslash continues a line; `\uXXXX` and `\t`-style escapes).
 * https://docs.oracle.com/javase/8/docs/api/java/util/Properties.html#load-java.io.Reader-
 */

export interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
    switch (escaped) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      default:
        return escaped;
    }
  });
}

/** Joins backslash-continued lines; a line ending in an even number of backslashes does not continue. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = pending === '' ? raw : raw.replace(/^[ \t\f]+/, '');
    let trailing = 0;
    while (trailing < line.length && line[line.length - 1 - trailing] === '\\') trailing++;
    if (trailing % 2 === 1) {
      pending += line.slice(0, -1);
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') lines.push(pending);
  return lines;
}

export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const raw of logicalLines(text)) {
    const line = raw.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // The key ends at the first unescaped '=', ':' or whitespace.
    let end = 0;
    while (end < line.length) {
      const c = line[end];
      if (c === '\\') end += 2;
      else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      else end++;
    }
    const key = unescape(line.slice(0, Math.min(end, line.length)));
    const rest = line.slice(Math.min(end, line.length)).replace(/^[ \t\f]*[=:]?[ \t\f]*/, '');
    if (!properties.has(key)) properties.set(key, unescape(rest));
  }
  return properties;
}

/** The coordinates a pom.properties names, or the missing keys' names. */
export function coordinatesOf(properties: ReadonlyMap<string, string>): MavenCoordinates | string[] {
  const value = (key: string): string => (properties.get(key) ?? '').trim();
  const coordinates = { groupId: value('groupId'), artifactId: value('artifactId'), version: value('version') };
  const missing = Object.entries(coordinates)
    .filter(([, v]) => v === '')
    .map(([k]) => k);
  return missing.length === 0 ? coordinates : missing;
}
