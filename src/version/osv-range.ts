import type { VersionScheme } from './version-scheme.js';

/** The parts of an OSV `affected[]` entry that decide whether a version is affected (https://ossf.github.io/osv-schema/). */
export interface OsvAffectedVersions {
  ranges?: readonly OsvRange[];
  versions?: readonly string[];
}

export interface OsvRange {
  type: string;
  events: readonly OsvEvent[];
}

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export type OsvVerdict =
  | { status: 'affected'; /** How: an explicit versions entry, or the range interval that holds the version. */ matched: string; fixed: string[] }
  | { status: 'not-affected'; fixed: string[] }
  | { status: 'unknown'; reason: string };

export interface RangeSchemes {
  /** The package's ecosystem scheme, for `ECOSYSTEM` ranges and `versions` lists. */
  ecosystem: VersionScheme;
  /** SemVer 2.0 (for `SEMVER` ranges, compared without a leading `v`, as OSV writes them). */
  semver: VersionScheme;
}

/**
 * Is `version` affected, per the OSV schema's evaluation rules? A version listed in `versions` is affected; in a
 * range, events are sorted by version and walked in order — `introduced` opens an interval (`0` is the
 * beginning), `fixed` closes it before that version, `last_affected` closes it after, and `limit` bounds every
 * interval of the range from above. `GIT` ranges are not evaluated (they name commits). A version or event that
 * the scheme cannot read makes the verdict `unknown`, never a silent "not affected".
 */
export function evaluateOsvAffected(version: string, affected: OsvAffectedVersions, schemes: RangeSchemes): OsvVerdict {
  const fixed = new Set<string>();
  for (const range of affected.ranges ?? []) for (const e of range.events) if (e.fixed !== undefined) fixed.add(e.fixed);
  const fixedList = [...fixed].sort();

  for (const listed of affected.versions ?? []) {
    if (listed === version || schemes.ecosystem.compare(listed, version) === 0) {
      return { status: 'affected', matched: `versions[] lists ${listed}`, fixed: fixedList };
    }
  }
  let unknown: string | undefined;
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    const scheme = range.type === 'SEMVER' ? withoutV(schemes.semver) : schemes.ecosystem;
    const result = inRange(version, range.events, scheme);
    if (result.status === 'affected') return { status: 'affected', matched: result.interval, fixed: fixedList };
    if (result.status === 'unknown') unknown ??= result.reason;
  }
  if (unknown !== undefined) return { status: 'unknown', reason: unknown };
  return { status: 'not-affected', fixed: fixedList };
}

type RangeResult = { status: 'affected'; interval: string } | { status: 'not-affected' } | { status: 'unknown'; reason: string };

function inRange(version: string, events: readonly OsvEvent[], scheme: VersionScheme): RangeResult {
  if (!scheme.isValid(version)) return { status: 'unknown', reason: `version ${JSON.stringify(version)} is not a valid ${scheme.name} version` };
  const points: { kind: 'introduced' | 'fixed' | 'last_affected'; at: string }[] = [];
  const limits: string[] = [];
  for (const e of events) {
    if (e.introduced !== undefined) points.push({ kind: 'introduced', at: e.introduced });
    if (e.fixed !== undefined) points.push({ kind: 'fixed', at: e.fixed });
    if (e.last_affected !== undefined) points.push({ kind: 'last_affected', at: e.last_affected });
    if (e.limit !== undefined) limits.push(e.limit);
  }
  for (const p of points) {
    if (!(p.kind === 'introduced' && p.at === '0') && !scheme.isValid(p.at)) {
      return { status: 'unknown', reason: `range event ${p.kind} ${JSON.stringify(p.at)} is not a valid ${scheme.name} version` };
    }
  }
  for (const limit of limits) {
    if (limit === '*') continue;
    const c = scheme.compare(version, limit);
    if (c === undefined) return { status: 'unknown', reason: `limit ${JSON.stringify(limit)} is not a valid ${scheme.name} version` };
    if (c >= 0) return { status: 'not-affected' };
  }
  const order = (p: { kind: string; at: string }): number => (p.kind === 'introduced' && p.at === '0' ? -1 : 0);
  points.sort((a, b) => order(a) - order(b) || (order(a) === -1 ? 0 : scheme.compare(a.at, b.at)!));
  let open: string | undefined;
  for (const p of points) {
    if (p.kind === 'introduced') {
      if (p.at === '0' || scheme.compare(version, p.at)! >= 0) open = p.at;
    } else if (open !== undefined) {
      const c = scheme.compare(version, p.at)!;
      if (p.kind === 'fixed' && c >= 0) open = undefined;
      else if (p.kind === 'last_affected' && c > 0) open = undefined;
      else return { status: 'affected', interval: `introduced ${open}, ${p.kind === 'fixed' ? 'fixed' : 'last affected'} ${p.at}` };
    }
  }
  return open !== undefined ? { status: 'affected', interval: `introduced ${open}, not fixed` } : { status: 'not-affected' };
}

/** OSV SEMVER ranges carry no `v`; Go module versions do. */
function withoutV(scheme: VersionScheme): VersionScheme {
  const strip = (v: string): string => (v.startsWith('v') ? v.slice(1) : v);
  return { name: scheme.name, isValid: (v) => scheme.isValid(strip(v)), compare: (a, b) => scheme.compare(strip(a), strip(b)) };
}
