/**
 * One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1), e.g.
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`.
 */
export interface AuthChallenge {
  /** Lower-cased: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const MAX_HEADER = 16 * 1024;

/**
 * Parse every challenge in a header value. Tolerant of what registries send (unquoted values, spaces around `=`),
 * bounded in length, and never throws: what cannot be read is left out.
 */
export function parseAuthChallenges(header: string | undefined): AuthChallenge[] {
  if (!header) return [];
  const text = header.slice(0, MAX_HEADER);
  const out: AuthChallenge[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z/]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < text.length) {
    skipSpace();
    const start = i;
    const word = token();
    if (word === '') {
      i++; // an unexpected character: skip it
      continue;
    }
    let j = i;
    while (j < text.length && text[j] === ' ') j++;
    if (text[j] === '=' && current) {
      // name=value parameter of the current challenge
      i = j + 1;
      while (i < text.length && text[i] === ' ') i++;
      let value: string;
      if (text[i] === '"') {
        i++;
        let v = '';
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          v += text[i];
          i++;
        }
        i++;
        value = v;
      } else {
        const vs = i;
        while (i < text.length && text[i] !== ',') i++;
        value = text.slice(vs, i).trim();
      }
      current.params[word.toLowerCase()] = value;
    } else if (text[j] === '=' && !current) {
      i = j + 1;
    } else {
      current = { scheme: text.slice(start, i).toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;
}
