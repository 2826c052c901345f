import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * Go module versions as `golang.org/x/mod/semver` reads them (https://go.dev/ref/mod#versions): semver 2.0 with a
 * required `v` prefix, `vMAJOR[.MINOR[.PATCH]]` shorthands (`v1` = `v1.0.0`, but without pre-release or build),
 * no leading zeros, any size of number. Pseudo-versions (`v0.0.0-20060102150405-abcdef123456`) are ordinary
 * pre-releases and `+incompatible` is build metadata, so both order correctly with no special case; the helpers
 * below take pseudo-versions apart as `golang.org/x/mod/module` does.
 *
 * OSV's Go records write versions without the `v` (`1.19.0-0`); callers add it before comparing.
 */

/** Not a Go limit: a bound for hostile input; real module versions are well under 100 characters. */
const MAX_VERSION_LENGTH = 256;

interface GoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Dot-separated pre-release identifiers; empty for a release. */
  readonly prerelease: readonly string[];
  /** Build metadata with its `+`, or `""`. */
  readonly build: string;
}

const NUMBER = /^(?:0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;
const NUMERIC = /^[0-9]+$/;

function parseIdentifiers(text: string, isPrerelease: boolean): string[] | undefined {
  const identifiers = text.split('.');
  for (const id of identifiers) {
    if (!IDENTIFIER.test(id)) return undefined;
    // semver §9: numeric pre-release identifiers have no leading zeros; build identifiers may
    if (isPrerelease && NUMERIC.test(id) && !NUMBER.test(id)) return undefined;
  }
  return identifiers;
}

function parse(version: string): GoVersion | undefined {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) return undefined;
  const match = /^v([0-9]+)(?:\.([0-9]+)(?:\.([0-9]+)(?:-([^+]*))?(?:\+(.*))?)?)?$/s.exec(version);
  if (match === null) return undefined;
  const [, major = '', minor = '0', patch = '0', pre, build] = match;
  if (!NUMBER.test(major) || !NUMBER.test(minor) || !NUMBER.test(patch)) return undefined;
  // the shorthands take neither pre-release nor build: `v1.2-pre` is invalid (the regex only allows them after PATCH)
  let prerelease: string[] = [];
  if (pre !== undefined) {
    const ids = parseIdentifiers(pre, true);
    if (ids === undefined) return undefined;
    prerelease = ids;
  }
  if (build !== undefined && parseIdentifiers(build, false) === undefined) return undefined;
  return { major, minor, patch, prerelease, build: build === undefined ? '' : `+${build}` };
}

/** Compare two canonical decimal strings (no leading zeros) of any length. */
function compareNumber(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    const xNum = NUMERIC.test(x);
    const yNum = NUMERIC.test(y);
    if (xNum && yNum) return compareNumber(x, y);
    if (xNum !== yNum) return xNum ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareParsed(a: GoVersion, b: GoVersion): number {
  return (
    compareNumber(a.major, b.major) ||
    compareNumber(a.minor, b.minor) ||
    compareNumber(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

export const goScheme: VersionScheme = schemeFromParser('go', parse, compareParsed);

/**
 * `semver.Canonical`: `vMAJOR.MINOR.PATCH[-pre]` with build metadata dropped, or undefined when invalid.
 * @example goCanonical('v1.2') // 'v1.2.0'
 */
export function goCanonical(version: string): string | undefined {
  const v = parse(version);
  if (v === undefined) return undefined;
  const pre = v.prerelease.length === 0 ? '' : `-${v.prerelease.join('.')}`;
  return `v${v.major}.${v.minor}.${v.patch}${pre}`;
}

/** `module.IsPseudoVersion`'s pattern: the three pseudo-version forms, a 14-digit UTC time and a revision. */
const PSEUDO_VERSION =
  /^v[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Is `version` a pseudo-version (https://go.dev/ref/mod#pseudo-versions)?
 * @example isGoPseudoVersion('v0.0.0-20191109021931-daa7c04131f5') // true
 */
export function isGoPseudoVersion(version: string): boolean {
  return parse(version) !== undefined && version.includes('-') && PSEUDO_VERSION.test(version);
}

interface PseudoParts {
  readonly base: string;
  readonly time: string;
  readonly rev: string;
  readonly build: string;
}

function splitPseudoVersion(version: string): PseudoParts | undefined {
  const parsed = parse(version);
  if (parsed === undefined || !isGoPseudoVersion(version)) return undefined;
  const body = version.slice(0, version.length - parsed.build.length);
  const revAt = body.lastIndexOf('-');
  const rest = body.slice(0, revAt);
  const dash = rest.lastIndexOf('-');
  const dot = rest.lastIndexOf('.');
  const cut = dot > dash ? dot : dash;
  return { base: rest.slice(0, cut), time: rest.slice(cut + 1), rev: body.slice(revAt + 1), build: parsed.build };
}

/** The revision (commit hash prefix) of a pseudo-version, or undefined. */
export function goPseudoVersionRev(version: string): string | undefined {
  return splitPseudoVersion(version)?.rev;
}

/**
 * The tagged version a pseudo-version was derived from (`module.PseudoVersionBase`): `""` when it has no parent tag
 * (`vX.0.0-…`), undefined when `version` is not a pseudo-version or is a nonsensical one (such as `v0.1.0-0.…`,
 * whose parent would be `v0.0.-1`).
 * @example goPseudoVersionBase('v1.2.4-0.20060102150405-abcdef') // 'v1.2.3'
 */
export function goPseudoVersionBase(version: string): string | undefined {
  const parts = splitPseudoVersion(version);
  if (parts === undefined) return undefined;
  const base = parse(parts.base);
  if (base === undefined) return undefined;
  const pre = base.prerelease.join('.');
  if (pre === '') {
    // vX.0.0-time-rev: no parent tag, so build metadata such as +incompatible makes no sense
    return parts.build === '' ? '' : undefined;
  }
  if (pre === '0') {
    // vX.Y.(Z+1)-0.time-rev: the parent is vX.Y.Z
    if (base.patch === '0') return undefined;
    return `v${base.major}.${base.minor}.${(BigInt(base.patch) - 1n).toString()}${parts.build}`;
  }
  // vX.Y.Z-pre.0.time-rev: the parent is vX.Y.Z-pre
  if (!parts.base.endsWith('.0')) return undefined;
  return `${parts.base.slice(0, -2)}${parts.build}`;
}
