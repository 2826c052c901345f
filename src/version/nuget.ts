import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * NuGet versions as `NuGetVersion` reads and `VersionComparer.Default` orders them
 * (https://learn.microsoft.com/nuget/concepts/package-versioning): SemVer 2.0 plus legacy 1-4 part numbers
 * (`1.0` = `1.0.0.0`, leading zeros allowed), prerelease labels compared case-insensitively, build metadata ignored.
 * Also NuGet's interval ranges (`[1.0,2.0)`; a bare `1.0` means `>= 1.0`).
 */

/** Not a NuGet limit: a bound for hostile input. */
const MAX_VERSION_LENGTH = 512;
const INT32_MAX = 2147483647n;

export interface NuGetVersion {
  /** Major, minor, patch, revision (missing parts are 0). */
  readonly parts: readonly [bigint, bigint, bigint, bigint];
  /** Prerelease labels, empty for a release. */
  readonly releaseLabels: readonly string[];
  /** Build metadata without the `+`, or undefined; it never affects order. */
  readonly metadata: string | undefined;
}

const LABEL = /^[0-9A-Za-z-]+$/;

/** A release label: `[0-9A-Za-z-]+`, and a numeric label has no leading zero. */
function isValidLabel(label: string, allowLeadingZeros: boolean): boolean {
  if (!LABEL.test(label)) return false;
  return allowLeadingZeros || !/^0[0-9]+$/.test(label);
}

/** Parse like `NuGetVersion.TryParse`: trimmed, `major[.minor[.patch[.revision]]][-labels][+metadata]`. */
export function parseNuGetVersion(input: string): NuGetVersion | undefined {
  if (input.length > MAX_VERSION_LENGTH) return undefined;
  const value = input.trim();
  if (value === '') return undefined;
  const plus = value.indexOf('+');
  const head = plus < 0 ? value : value.slice(0, plus);
  const metadata = plus < 0 ? undefined : value.slice(plus + 1);
  const dash = head.indexOf('-');
  const numbers = dash < 0 ? head : head.slice(0, dash);
  const releaseLabels = dash < 0 ? [] : head.slice(dash + 1).split('.');
  const fields = numbers.split('.');
  if (fields.length > 4) return undefined;
  const parts: bigint[] = [];
  for (const field of fields) {
    if (!/^[0-9]+$/.test(field)) return undefined;
    const n = BigInt(field);
    if (n > INT32_MAX) return undefined;
    parts.push(n);
  }
  while (parts.length < 4) parts.push(0n);
  if (!releaseLabels.every((label) => isValidLabel(label, false))) return undefined;
  if (metadata !== undefined && !metadata.split('.').every((label) => isValidLabel(label, true))) return undefined;
  return { parts: parts as [bigint, bigint, bigint, bigint], releaseLabels, metadata };
}

/** A label is numeric when .NET's `Int32.TryParse` reads it (a leading `-` is a sign there). */
function numericLabel(label: string): bigint | undefined {
  if (!/^-?[0-9]+$/.test(label) || label.length > 12) return undefined;
  const n = BigInt(label);
  return n > INT32_MAX || n < -INT32_MAX - 1n ? undefined : n;
}

/** .NET `StringComparer.OrdinalIgnoreCase`: ordinal comparison of the upper-cased strings. */
function compareIgnoreCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLabel(a: string, b: string): number {
  const x = numericLabel(a);
  const y = numericLabel(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareIgnoreCase(a, b);
}

/** `VersionComparer.Default`: numbers, then release > prerelease, then labels one by one; metadata ignored. */
export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const x = a.parts[i] as bigint;
    const y = b.parts[i] as bigint;
    if (x !== y) return x < y ? -1 : 1;
  }
  const left = a.releaseLabels;
  const right = b.releaseLabels;
  if (left.length === 0 || right.length === 0) {
    if (left.length === right.length) return 0;
    return left.length === 0 ? 1 : -1; // a release sorts after its prereleases
  }
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const result = compareLabel(left[i] as string, right[i] as string);
    if (result !== 0) return result;
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1;
}

export interface NuGetRange {
  readonly min: NuGetVersion | undefined;
  readonly minInclusive: boolean;
  readonly max: NuGetVersion | undefined;
  readonly maxInclusive: boolean;
}

/**
 * Parse a NuGet version range (`VersionRange.Parse`): `1.0` (>= 1.0), `[1.0]` (exactly), `[1.0,2.0)`, `(,2.0]`,
 * `(1.0,)`. Floating versions (`1.*`) are not supported. Undefined when malformed or empty.
 * @example parseNuGetRange('[1.0, 2.0)')?.maxInclusive // false
 */
export function parseNuGetRange(input: string): NuGetRange | undefined {
  if (input.length > 2 * MAX_VERSION_LENGTH + 8) return undefined;
  const value = input.trim();
  if (value === '') return undefined;
  const first = value[0];
  const last = value[value.length - 1];
  if (first !== '[' && first !== '(') {
    const min = parseNuGetVersion(value);
    return min === undefined ? undefined : { min, minInclusive: true, max: undefined, maxInclusive: false };
  }
  if (value.length < 3 || (last !== ']' && last !== ')')) return undefined;
  const minInclusive = first === '[';
  const maxInclusive = last === ']';
  const inner = value.slice(1, -1);
  const fields = inner.split(',');
  if (fields.length > 2) return undefined;
  if (fields.length === 1) {
    // only [x] is allowed without a comma
    const exact = parseNuGetVersion(inner);
    if (exact === undefined || !minInclusive || !maxInclusive) return undefined;
    return { min: exact, minInclusive, max: exact, maxInclusive };
  }
  const [low, high] = fields.map((f) => f.trim()) as [string, string];
  const min = low === '' ? undefined : parseNuGetVersion(low);
  const max = high === '' ? undefined : parseNuGetVersion(high);
  if ((low !== '' && min === undefined) || (high !== '' && max === undefined)) return undefined;
  if (min === undefined && max === undefined) return undefined;
  if (min !== undefined && max !== undefined) {
    const order = compareNuGetVersions(min, max);
    if (order > 0 || (order === 0 && !(minInclusive && maxInclusive))) return undefined;
  }
  return { min, minInclusive, max, maxInclusive };
}

/** Is `version` inside `range` (`VersionRange.Satisfies`)? Undefined when either cannot be read. */
export function nugetSatisfies(range: string, version: string): boolean | undefined {
  const parsedRange = parseNuGetRange(range);
  const v = parseNuGetVersion(version);
  if (parsedRange === undefined || v === undefined) return undefined;
  if (parsedRange.min !== undefined) {
    const c = compareNuGetVersions(v, parsedRange.min);
    if (c < 0 || (c === 0 && !parsedRange.minInclusive)) return false;
  }
  if (parsedRange.max !== undefined) {
    const c = compareNuGetVersions(v, parsedRange.max);
    if (c > 0 || (c === 0 && !parsedRange.maxInclusive)) return false;
  }
  return true;
}

export const nugetScheme: VersionScheme = schemeFromParser('nuget', parseNuGetVersion, compareNuGetVersions);
