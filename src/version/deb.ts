import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * Debian package versions `[epoch:]upstream[-revision]`, ordered as dpkg orders them (deb-version(7),
 * https://www.debian.org/doc/debian-policy/ch-controlfields.html#version). Written from the documented algorithm:
 * the epoch compares as a number, then upstream and revision compare as alternating runs of non-digits (compared
 * character by character, `~` before the end, the end before letters, letters before other characters) and digits
 * (compared as numbers). Parsing is dpkg's strict one: what dpkg only warns about (an upstream that does not start
 * with a digit, characters outside the allowed sets) is invalid here.
 */

/** Not a dpkg limit: a bound for hostile input; real Debian versions are far shorter. */
const MAX_VERSION_LENGTH = 1024;

/** dpkg stores the epoch in an int and rejects anything above INT_MAX. */
const MAX_EPOCH = 2_147_483_647;

/** C's isspace in the C locale. */
const SPACE = /[ \t\n\v\f\r]/;
const EDGE_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

export interface DebVersion {
  readonly epoch: number;
  readonly upstream: string;
  /** `''` when the version has no revision (compares like `0`). */
  readonly revision: string;
}

/**
 * Split a Debian version into epoch, upstream and revision; undefined when dpkg would reject it or warn about it.
 * @example parseDebVersion('2:7.4.052-1ubuntu3.1') // { epoch: 2, upstream: '7.4.052', revision: '1ubuntu3.1' }
 */
export function parseDebVersion(input: string): DebVersion | undefined {
  if (typeof input !== 'string' || input.length > MAX_VERSION_LENGTH) return undefined;
  const version = input.replace(EDGE_SPACE, '');
  if (version === '' || SPACE.test(version)) return undefined;
  let epoch = 0;
  let rest = version;
  const colon = version.indexOf(':');
  if (colon >= 0) {
    const digits = version.slice(0, colon);
    if (!/^[0-9]+$/.test(digits)) return undefined;
    epoch = Number(digits);
    if (epoch > MAX_EPOCH) return undefined;
    rest = version.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (!UPSTREAM.test(upstream)) return undefined;
  if (hyphen >= 0 && !REVISION.test(revision)) return undefined;
  return { epoch, upstream, revision };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** dpkg's character weight inside a non-digit run: `~` < end (and digits) < letters < everything else. */
function order(c: string): number {
  if (c === '') return 0;
  if (isDigit(c)) return 0;
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/**
 * dpkg's comparison of one upstream or revision fragment (no epoch/revision split): negative, zero or positive.
 * Numbers of any length compare exactly.
 * @example compareDebFragment('1.0~rc1', '1.0') // < 0
 */
export function compareDebFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // non-digit run, character by character
    while ((i < a.length && !isDigit(a.charAt(i))) || (j < b.length && !isDigit(b.charAt(j)))) {
      const ac = order(a.charAt(i));
      const bc = order(b.charAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    // digit run, as a number: skip leading zeros, then the longer run is larger, else the first differing digit
    while (a.charAt(i) === '0') i++;
    while (b.charAt(j) === '0') j++;
    let firstDiff = 0;
    while (isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charAt(i))) return 1;
    if (isDigit(b.charAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** dpkg's order of parsed versions: epoch, then upstream, then revision. Also usable on hand-built parts. */
export function compareDebParts(a: DebVersion, b: DebVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareDebFragment(a.upstream, b.upstream) || compareDebFragment(a.revision, b.revision);
}

export const debScheme: VersionScheme = schemeFromParser('deb', parseDebVersion, compareDebParts);
