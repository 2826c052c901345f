import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * RubyGems' `Gem::Version` ordering and `Gem::Requirement` checks, written from the RubyGems documentation and
 * behaviour (https://guides.rubygems.org/patterns/#semantic-versioning, lib/rubygems/version.rb):
 * a version is `[0-9]+(\.[0-9a-zA-Z]+)*` with an optional `-pre.release` tail (read as `.pre.`), split into numeric
 * and letter segments; any letter makes it a prerelease, which sorts before the release.
 */

/** Not a RubyGems limit: a bound for hostile input; no published gem version comes near it. */
const MAX_VERSION_LENGTH = 512;

/** RubyGems' `ANCHORED_VERSION_PATTERN`; Ruby's `\s` is `[ \t\n\v\f\r]` and `\z` is the true end. */
const ANCHORED_VERSION = /^[ \t\n\v\f\r]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\n\v\f\r]*$/;

/** A segment: a number or a run of letters. */
export type GemSegment = bigint | string;

interface GemVersion {
  /** The version string as RubyGems keeps it: stripped, `-` replaced by `.pre.`, `""` read as `0`. */
  readonly version: string;
  readonly segments: readonly GemSegment[];
  readonly canonical: readonly GemSegment[];
}

function dropTrailingZeros(segments: readonly GemSegment[]): GemSegment[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === 0n) end--;
  return segments.slice(0, end);
}

function parse(input: string): GemVersion | undefined {
  if (input.length > MAX_VERSION_LENGTH) return undefined;
  const match = ANCHORED_VERSION.exec(input);
  if (match === null) return undefined;
  const version = (match[1] ?? '0').replaceAll('-', '.pre.');
  const segments: GemSegment[] = [];
  for (const [part] of version.matchAll(/[0-9]+|[a-z]+/gi)) {
    segments.push(/^[0-9]/.test(part) ? BigInt(part) : part);
  }
  // canonical segments: trailing zeros dropped from the release part and from the prerelease part separately
  const firstString = segments.findIndex((s) => typeof s === 'string');
  const split = firstString < 0 ? segments.length : firstString;
  const canonical = [...dropTrailingZeros(segments.slice(0, split)), ...dropTrailingZeros(segments.slice(split))];
  return { version, segments, canonical };
}

function compareParsed(a: GemVersion, b: GemVersion): number {
  if (a.version === b.version) return 0;
  const left = a.canonical;
  const right = b.canonical;
  const n = Math.max(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const l = left[i] ?? 0n;
    const r = right[i] ?? 0n;
    if (l === r) continue;
    if (typeof l === 'string' && typeof r !== 'string') return -1;
    if (typeof l !== 'string' && typeof r === 'string') return 1;
    return l < r ? -1 : 1; // bigint order, or Ruby's byte order on ASCII letters
  }
  return 0;
}

function isPrerelease(v: GemVersion): boolean {
  return /[a-zA-Z]/.test(v.version);
}

/** `Gem::Version#release`: the version without its prerelease segments. */
function release(v: GemVersion): GemVersion {
  if (!isPrerelease(v)) return v;
  const segments = [...v.segments];
  while (segments.some((s) => typeof s === 'string')) segments.pop();
  return parse(segments.join('.')) as GemVersion;
}

/** `Gem::Version#bump`: drop prerelease segments and the last number, then increment the new last one. */
function bump(v: GemVersion): GemVersion {
  const segments = [...v.segments];
  while (segments.some((s) => typeof s === 'string')) segments.pop();
  if (segments.length > 1) segments.pop();
  const last = segments[segments.length - 1];
  segments[segments.length - 1] = typeof last === 'bigint' ? last + 1n : 1n;
  return parse(segments.join('.')) as GemVersion;
}

/** The canonical segments RubyGems compares (`Gem::Version#canonical_segments`); undefined if invalid. */
export function gemCanonicalSegments(version: string): GemSegment[] | undefined {
  const parsed = parse(version);
  return parsed === undefined ? undefined : [...parsed.canonical];
}

const REQUIREMENT = /^[ \t\n\v\f\r]*(=|!=|>=|<=|>|<|~>)?[ \t\n\v\f\r]*(.*)$/s;

/**
 * Does `version` satisfy every constraint (`Gem::Requirement.new(*requirements).satisfied_by?`)? A constraint is
 * `[op] version` with op one of `= != > < >= <= ~>` (default `=`); `~> 1.4` means `>= 1.4, < 2`.
 * Undefined when the version or a constraint cannot be read.
 * @example gemSatisfies('1.5', ['~> 1.4']) // true
 */
export function gemSatisfies(version: string, requirements: readonly string[]): boolean | undefined {
  const v = parse(version);
  if (v === undefined) return undefined;
  let result = true;
  for (const requirement of requirements) {
    if (requirement.length > MAX_VERSION_LENGTH + 16) return undefined;
    const match = REQUIREMENT.exec(requirement);
    const bound = match === null ? undefined : parse(match[2] ?? '');
    // an empty version after the operator is not a requirement (`">="` alone is malformed)
    if (match === null || bound === undefined || (match[2] ?? '').trim() === '') return undefined;
    const c = compareParsed(v, bound);
    switch (match[1] ?? '=') {
      case '=':
        result &&= c === 0;
        break;
      case '!=':
        result &&= c !== 0;
        break;
      case '>':
        result &&= c > 0;
        break;
      case '<':
        result &&= c < 0;
        break;
      case '>=':
        result &&= c >= 0;
        break;
      case '<=':
        result &&= c <= 0;
        break;
      case '~>':
        result &&= c >= 0 && compareParsed(release(v), bump(bound)) < 0;
        break;
    }
  }
  return result;
}

export const gemScheme: VersionScheme = schemeFromParser('gem', parse, compareParsed);
