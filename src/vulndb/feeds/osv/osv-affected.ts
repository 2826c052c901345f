/**
 * One OSV `affected[]` entry → an AffectedPackage (https://ossf.github.io/osv-schema/#affected-fields). What
 * matching relies on (package, ranges, events, versions) is read strictly: a malformed value makes the whole
 * record skipped with a reason naming the field, because a half-read range gives wrong verdicts.
 */
import type { AffectedPackage } from '../../advisory.js';
import type { OsvEvent, OsvRange } from '../../../version/index.js';
import { isKnownOsvEcosystem } from './osv-ecosystems.js';
import { fail, isObject, optionalArray, optionalObject, quote, stringList, typeName, type JsonObject } from './osv-fields.js';
import { parseSeverities } from './osv-severity.js';

export const AFFECTED_LIMITS = {
  ranges: 1_000,
  events: 10_000,
  versions: 250_000,
  binaries: 10_000,
  cwes: 1_000,
  /** Package names, versions and event values. */
  chars: 1_024,
} as const;

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
type EventKey = (typeof EVENT_KEYS)[number];

/** What one entry gives the record: the package (or why it was left out), and its RustSec/MAL extras. */
export type AffectedResult =
  | { kept: AffectedPackage; informational: string | null; cwes: string[] }
  | { dropped: string };

export function parseAffected(entry: unknown, index: number, feed: string): AffectedResult {
  const path = `affected[${index}].`;
  if (!isObject(entry)) fail(`affected[${index}] is ${typeName(entry)}, not an object`);
  const pkg = entry['package'];
  // OSS-Fuzz and Linux records may name only a repository (GIT ranges) and no package: nothing to match.
  if (pkg === undefined || pkg === null) return { dropped: 'an entry without a package' };
  if (!isObject(pkg)) fail(`${path}package is ${typeName(pkg)}, not an object`);
  const ecosystem = pkg['ecosystem'];
  const name = pkg['name'];
  if (typeof ecosystem !== 'string' || ecosystem.trim() === '') fail(`${path}package.ecosystem is missing or empty`);
  if (typeof name !== 'string' || name.trim() === '') fail(`${path}package.name is missing or empty`);
  if (ecosystem.length > AFFECTED_LIMITS.chars || name.length > AFFECTED_LIMITS.chars) fail(`${path}package is longer than ${AFFECTED_LIMITS.chars} characters`);

  const ranges = optionalArray(entry, 'ranges', path, AFFECTED_LIMITS.ranges).map((range, i) => parseRange(range, `${path}ranges[${i}]`));
  const versions = stringList(entry, 'versions', path, AFFECTED_LIMITS.versions, AFFECTED_LIMITS.chars);
  if (!isKnownOsvEcosystem(ecosystem)) return { dropped: `unknown ecosystem ${quote(ecosystem)}` };

  // GIT ranges name commits, which an installed package does not carry; only versions can be compared.
  const comparable = ranges.filter((r) => r.type !== 'GIT');
  if (comparable.length === 0 && versions.length === 0) {
    return { dropped: ranges.length > 0 ? `${quote(name)} has only GIT ranges` : `${quote(name)} has no ranges or versions` };
  }

  const affected: AffectedPackage = { ecosystem, name, status: 'affected', ranges: comparable, versions };
  const severity = parseSeverities(entry['severity'], feed);
  if (severity.length > 0) affected.severity = severity;
  const binaries = parseBinaries(optionalObject(entry, 'ecosystem_specific'));
  if (binaries.length > 0) affected.binaries = binaries;

  const databaseSpecific = optionalObject(entry, 'database_specific');
  const informational = databaseSpecific?.['informational'];
  return {
    kept: affected,
    informational: typeof informational === 'string' && informational !== '' ? informational : null,
    cwes: parseCweObjects(databaseSpecific?.['cwes']),
  };
}

function parseRange(value: unknown, path: string): OsvRange {
  if (!isObject(value)) fail(`${path} is ${typeName(value)}, not an object`);
  const type = value['type'];
  if (type !== 'SEMVER' && type !== 'ECOSYSTEM' && type !== 'GIT') fail(`${path}.type ${quote(type)} is not SEMVER, ECOSYSTEM or GIT`);
  const events = optionalArray(value, 'events', `${path}.`, AFFECTED_LIMITS.events);
  if (events.length === 0) fail(`${path} has no events`);
  return { type, events: events.map((event, i) => parseEvent(event, `${path}.events[${i}]`)) };
}

function parseEvent(value: unknown, path: string): OsvEvent {
  if (!isObject(value)) fail(`${path} is ${typeName(value)}, not an object`);
  const present = EVENT_KEYS.filter((key) => value[key] !== undefined);
  const key: EventKey | undefined = present[0];
  if (key === undefined || present.length > 1) {
    fail(`${path} must have exactly one of introduced, fixed, last_affected, limit (has ${present.length})`);
  }
  const at = value[key];
  if (typeof at !== 'string' || at === '') fail(`${path}.${key} is ${typeName(at)}, not a version string`);
  if (at.length > AFFECTED_LIMITS.chars) fail(`${path}.${key} is longer than ${AFFECTED_LIMITS.chars} characters`);
  return { [key]: at };
}

/** Ubuntu's `ecosystem_specific.binaries`: `[{ binary_name, binary_version }]` (plain strings accepted too). */
function parseBinaries(ecosystemSpecific: JsonObject | undefined): string[] {
  const list = ecosystemSpecific?.['binaries'];
  if (!Array.isArray(list)) return [];
  const names = new Set<string>();
  for (const item of list.slice(0, AFFECTED_LIMITS.binaries)) {
    const name = typeof item === 'string' ? item : isObject(item) ? item['binary_name'] : undefined;
    if (typeof name === 'string' && name !== '' && name.length <= AFFECTED_LIMITS.chars) names.add(name);
  }
  return [...names].sort();
}

/** The malicious-packages form `database_specific.cwes: [{ cweId: "CWE-506", … }]`. */
function parseCweObjects(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const cwes: string[] = [];
  for (const item of value.slice(0, AFFECTED_LIMITS.cwes)) {
    const id = typeof item === 'string' ? item : isObject(item) ? item['cweId'] : undefined;
    if (typeof id === 'string' && CWE_PATTERN.test(id)) cwes.push(id);
  }
  return cwes;
}

export const CWE_PATTERN = /^CWE-\d{1,6}$/;
