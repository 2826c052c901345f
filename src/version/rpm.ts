import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * RPM versions `[epoch:]version[-release]`, ordered as rpm orders them (rpmvercmp, documented at
 * https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning and in rpm's tests/rpmvercmp.at).
 * Written from the documented algorithm: versions are runs of ASCII letters or digits separated by anything else;
 * digits beat letters, numbers compare as numbers, letters by byte; `~` sorts before everything (even the end) and
 * `^` after the end but before anything else. The epoch is the leading digits before `:` (absent means 0), the
 * release is what follows the last `-`.
 */

/** Not an rpm limit: a bound for hostile input; real EVR strings are far shorter. */
const MAX_VERSION_LENGTH = 1024;

/** Whitespace and control characters never occur in an rpm EVR (rpmbuild rejects them). */
const FORBIDDEN = /[\u0000-\u0020\u007f]/;

export interface RpmVersion {
  /** The epoch digits, `'0'` when absent (compared as a number of any length). */
  readonly epoch: string;
  readonly version: string;
  /** undefined when there is no `-`; `''` for a trailing `-`. */
  readonly release: string | undefined;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** Is `c` an rpm separator? rpm's character classes are ASCII-only, so any other character separates. */
function isSeparator(c: string): boolean {
  return c !== '' && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';
}

/**
 * rpm's `rpmvercmp` on two bare version (or release) strings: -1, 0 or 1. Works on any string.
 * @example rpmVersionCompare('1.0~rc1', '1.0') // -1
 */
export function rpmVersionCompare(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isSeparator(a.charAt(i))) i++;
    while (isSeparator(b.charAt(j))) j++;
    const ca = a.charAt(i);
    const cb = b.charAt(j);
    // tilde: before everything, even the end
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // caret: after the end, before anything else
    if (ca === '^' || cb === '^') {
      if (ca === '') return -1;
      if (cb === '') return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '' || cb === '') break;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let endA = i;
    let endB = j;
    while (inSegment(a.charAt(endA))) endA++;
    while (inSegment(b.charAt(endB))) endB++;
    // segments of different types: numeric is newer than alpha
    if (endB === j) return numeric ? 1 : -1;
    let segA = a.slice(i, endA);
    let segB = b.slice(j, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = endA;
    j = endB;
  }
  // all segments equal: whichever has characters left wins (separators alone are not left over)
  const restA = i < a.length;
  const restB = j < b.length;
  if (!restA && !restB) return 0;
  return restA ? 1 : -1;
}

/**
 * Split an EVR string as rpm does: leading digits then `:` make the epoch, the last `-` starts the release.
 * undefined for an empty version, whitespace or control characters, or over-long input.
 * @example parseRpmVersion('1:2.9.1-6.el7') // { epoch: '1', version: '2.9.1', release: '6.el7' }
 */
export function parseRpmVersion(input: string): RpmVersion | undefined {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_VERSION_LENGTH) return undefined;
  if (FORBIDDEN.test(input)) return undefined;
  const epochMatch = /^([0-9]*):/.exec(input);
  const epoch = epochMatch === null || epochMatch[1] === '' ? '0' : (epochMatch[1] as string);
  const rest = epochMatch === null ? input : input.slice(epochMatch[0].length);
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const release = hyphen >= 0 ? rest.slice(hyphen + 1) : undefined;
  if (version === '') return undefined;
  return { epoch, version, release };
}

/**
 * Epoch, then version, then release, each with rpmvercmp. A missing release sorts before any release (as OSV and
 * osv-scalibr order Red Hat versions; rpm itself skips the release when one side has none).
 */
export function compareRpmParts(a: RpmVersion, b: RpmVersion): number {
  const byEpoch = rpmVersionCompare(a.epoch, b.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmVersionCompare(a.version, b.version);
  if (byVersion !== 0) return byVersion;
  if (a.release === undefined || b.release === undefined) {
    return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  }
  return rpmVersionCompare(a.release, b.release);
}

export const rpmScheme: VersionScheme = schemeFromParser('rpm', parseRpmVersion, compareRpmParts);
