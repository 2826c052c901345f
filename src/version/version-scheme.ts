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

/**
 * A scheme from its parser and its ordering of parsed versions: valid means parsable, and comparing anything
 * unparsable gives undefined.
 */
export function schemeFromParser<T>(name: SchemeName, parse: (version: string) => T | undefined, compare: (a: T, b: T) => number): VersionScheme {
  return {
    name,
    isValid: (version) => parse(version) !== undefined,
    compare(a, b) {
      const left = parse(a);
      const right = parse(b);
      return left === undefined || right === undefined ? undefined : compare(left, right);
    },
  };
}
