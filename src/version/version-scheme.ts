/**
 * One version scheme per ecosystem: how its versions are read and ordered. Comparison is exact to the
 * ecosystem's own tool (dpkg, rpm, apk-tools, node-semver, PEP 440, Maven's ComparableVersion, RubyGems, NuGet,
 * Composer, Go modules); an unparsable version is never guessed at — callers get `undefined` and report an
 * `unknown` verdict.
 */
export type SchemeName = 'deb' | 'rpm' | 'apk' | 'semver' | 'pep440' | 'maven' | 'gem' | 'nuget' | 'composer' | 'go';

export interface VersionScheme {
  readonly name: SchemeName;
  /** Is `version` a valid version of this scheme? */
  isValid(version: string): boolean;
  /** Negative, zero or positive as a < b, a = b, a > b; undefined when either is not a valid version. */
  compare(a: string, b: string): number | undefined;
}

/** Parsed versions kept per scheme: matching compares the same few thousand versions again and again. */
const PARSE_CACHE_LIMIT = 50_000;

/**
 * A scheme from its parser and its ordering of parsed versions: valid means parsable, and comparing anything
 * unparsable gives undefined. Parses are memoised (bounded: the cache is dropped when full), so a version is
 * read once however many ranges it is compared against; parsers must therefore return values nobody mutates.
 */
export function schemeFromParser<T>(name: SchemeName, parse: (version: string) => T | undefined, compare: (a: T, b: T) => number): VersionScheme {
  const cache = new Map<string, T | null>();
  const parsed = (version: string): T | undefined => {
    const hit = cache.get(version);
    if (hit !== undefined) return hit === null ? undefined : hit;
    const value = parse(version);
    if (cache.size >= PARSE_CACHE_LIMIT) cache.clear();
    cache.set(version, value === undefined ? null : value);
    return value;
  };
  return {
    name,
    isValid: (version) => parsed(version) !== undefined,
    compare(a, b) {
      const left = parsed(a);
      const right = parsed(b);
      return left === undefined || right === undefined ? undefined : compare(left, right);
    },
  };
}
