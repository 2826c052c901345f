import { parse } from '@renovatebot/pep440';
import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * Python package versions as PEP 440 (https://packaging.python.org/en/latest/specifications/version-specifiers/)
 * and `packaging.version.Version` read them: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spelling
 * variants PEP 440 normalises (`1.0-dev`, `1.0alpha1`, `1.0-1`, upper case, a leading `v`, surrounding blanks).
 * Versions are read by `@renovatebot/pep440`; ordering is packaging's sort key (`_cmpkey`), built once per version
 * here so that a memoised parse makes every later comparison cheap. Legacy (non-PEP 440) versions, which packaging
 * dropped in 22.0, are invalid.
 */

/** Not a PEP 440 limit: a bound for hostile input; real PyPI versions are well under 100 characters. */
const MAX_VERSION_LENGTH = 256;

/**
 * Python's `\s` (str.isspace), which packaging strips around a version: JS `\s` plus U+001C–U+001F and U+0085,
 * minus U+FEFF.
 */
const BLANK = '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PYTHON_BLANK = new RegExp(`^${BLANK}+|${BLANK}+$`, 'g');

/** A sort key as packaging builds it: nested arrays of numbers and strings compared element by element. */
type Key = KeyPart[];
type KeyPart = number | string | KeyPart[];

function sortKey(version: string): Key | undefined {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) return undefined;
  const trimmed = version.replace(PYTHON_BLANK, '');
  const parsed = parse(trimmed);
  if (parsed === null) return undefined;
  // the library reads numbers as JS numbers; one above 2^53 would lose precision and order wrongly, so such
  // versions are invalid here (packaging's integers are unbounded)
  const parts: unknown[] = [parsed.epoch, ...parsed.release, parsed.pre, parsed.post, parsed.dev, parsed.local];
  const numbers = parts.flat();
  if (numbers.some((n) => typeof n === 'number' && !Number.isSafeInteger(n))) return undefined;
  // Trailing zeros of the release do not count: 1.0 == 1.0.0.
  const release = [...parsed.release];
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  // 1.0.dev0 sorts before 1.0a0: a dev release without pre or post takes the lowest pre slot; a final release
  // (no pre) sorts after its pre-releases; no post sorts before any post; no dev sorts after any dev.
  const pre: KeyPart = parsed.pre ?? (parsed.post === null && parsed.dev !== null ? -Infinity : Infinity);
  const post: KeyPart = parsed.post ?? -Infinity;
  const dev: KeyPart = parsed.dev ?? Infinity;
  // Local segments: alphanumeric parts sort before numeric ones, alphanumerics lexically, numbers numerically.
  const local: KeyPart = parsed.local === null ? -Infinity : (parsed.local as unknown as (string | number)[]).map((p) => (typeof p === 'number' || !Number.isNaN(Number(p)) ? [Number(p), ''] : [-Infinity, p]));
  return [parsed.epoch, release, pre, post, dev, local];
}

/** Python's ordering of tuples, lists and scalars, as packaging's key comparison relies on it. */
function compareKeys(a: KeyPart, b: KeyPart): number {
  if (a === b) return 0;
  if (Array.isArray(a) || Array.isArray(b)) {
    const left = Array.isArray(a) ? a : [a];
    const right = Array.isArray(b) ? b : [b];
    const n = Math.min(left.length, right.length);
    for (let i = 0; i < n; i++) {
      const c = compareKeys(left[i]!, right[i]!);
      if (c !== 0) return c;
    }
    return left.length - right.length;
  }
  if (a === -Infinity || b === Infinity) return -1;
  if (a === Infinity || b === -Infinity) return 1;
  return a < b ? -1 : 1;
}

export const pep440Scheme: VersionScheme = schemeFromParser('pep440', sortKey, compareKeys);
