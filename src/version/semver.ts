import semver from 'semver';
import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * npm / crates.io versions, ordered exactly as node-semver orders them (https://semver.org/#spec-item-11):
 * `MAJOR.MINOR.PATCH[-prerelease][+build]`, build metadata ignored. Parsing is node-semver's loose mode, which
 * is what npm itself applies to registry data: a leading `v` or `=` and surrounding blanks are accepted.
 * Numbers above `Number.MAX_SAFE_INTEGER` and versions over 256 characters are invalid, as in node-semver.
 */

/** node-semver's own `MAX_LENGTH`; checked first so hostile input never reaches the regular expressions. */
const MAX_VERSION_LENGTH = 256;

/** A bound for hostile input; real npm ranges are a few dozen characters. */
const MAX_RANGE_LENGTH = 4096;

const PARSE_OPTIONS = { loose: true } as const;

function parse(version: string): semver.SemVer | undefined {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) return undefined;
  try {
    return semver.parse(version, PARSE_OPTIONS) ?? undefined;
  } catch {
    // semver.parse returns null for bad input; this guards against a future release that throws instead
    return undefined;
  }
}

export const semverScheme: VersionScheme = schemeFromParser('semver', parse, (a, b) => a.compare(b));

/**
 * Does `version` satisfy the npm range `range` (`^1.2.3`, `>=1.0.0 <2.0.0 || 3.x`)? false when either is invalid
 * (node-semver's behaviour). Loose parsing by default, as for {@link semverScheme}. Pre-releases match only ranges
 * that name a pre-release of the same `major.minor.patch`, unless `includePrerelease` is set.
 * @example semverSatisfies('1.2.4', '^1.2.3') // true
 */
export function semverSatisfies(
  version: string,
  range: string,
  options: { loose?: boolean; includePrerelease?: boolean } = PARSE_OPTIONS,
): boolean {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) return false;
  if (typeof range !== 'string' || range.length > MAX_RANGE_LENGTH) return false;
  try {
    return semver.satisfies(version, range, options);
  } catch {
    return false;
  }
}
