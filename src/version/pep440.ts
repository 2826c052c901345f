import { compare as pep440Compare, parse } from '@renovatebot/pep440';
import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * Python package versions as PEP 440 (https://packaging.python.org/en/latest/specifications/version-specifiers/)
 * and `packaging.version.Version` read them: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spelling
 * variants PEP 440 normalises (`1.0-dev`, `1.0alpha1`, `1.0-1`, upper case, a leading `v`, surrounding blanks).
 * Ordering is `@renovatebot/pep440`'s port of packaging's sort key. Legacy (non-PEP 440) versions, which packaging
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

function normalizeInput(version: string): string | undefined {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) return undefined;
  const trimmed = version.replace(PYTHON_BLANK, '');
  const parsed = parse(trimmed);
  if (parsed === null) return undefined;
  // the library reads numbers as JS numbers; one above 2^53 would lose precision and order wrongly, so such
  // versions are invalid here (packaging's integers are unbounded)
  const parts: unknown[] = [parsed.epoch, ...parsed.release, parsed.pre, parsed.post, parsed.dev, parsed.local];
  const numbers = parts.flat();
  if (numbers.some((n) => typeof n === 'number' && !Number.isSafeInteger(n))) return undefined;
  return trimmed;
}

export const pep440Scheme: VersionScheme = schemeFromParser('pep440', normalizeInput, pep440Compare);
