/**
 * Glob patterns over in-image paths, for ignore rules: `*` is any run of characters but `/`, `?` one such
 * character, `**` any run including `/` (`**\/` also matches no directory at all). Paths and patterns are compared
 * without a leading `/` or `./`, as inventories write paths. Everything else is literal.
 */
const MAX_PATTERN_LENGTH = 1024;

export function globToRegExp(pattern: string): RegExp | undefined {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) return undefined;
  const p = stripRoot(pattern);
  let out = '^';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        if (p[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else {
      out += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`${out}$`);
}

export function stripRoot(path: string): string {
  let p = path;
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  return p;
}
