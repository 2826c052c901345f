/**
 * One OSV record (schema 1.x, https://ossf.github.io/osv-schema/) → one Advisory, or the reason it is skipped.
 * Pure: no I/O. Every feed that carries OSV JSON (the OSV exports, Ubuntu, Debian OSV, malicious-packages, GHSA)
 * goes through here.
 *
 * @example
 * const result = osvRecordToAdvisory(JSON.parse(line), 'osv-npm', 'all.zip:GHSA-xxxx.json');
 * if ('skipped' in result) console.warn(result.skipped);
 */
import type { Advisory, AdvisoryKind, AffectedPackage } from '../../advisory.js';
import { CWE_PATTERN, parseAffected } from './osv-affected.js';
import { fail, isObject, optionalArray, optionalObject, optionalString, quote, RecordProblem, sortedUnique, stringList } from './osv-fields.js';
import { parseGhsaLevel, parseSeverities, uniqueRatings } from './osv-severity.js';

export const RECORD_LIMITS = {
  /** Bytes of one record's JSON text; the format readers enforce it before parsing. */
  bytes: 8 * 1024 * 1024,
  affected: 10_000,
  aliases: 1_000,
  references: 10_000,
  idChars: 256,
  textChars: 1_000_000,
  urlChars: 4_096,
} as const;

/** OSV ids: `GHSA-…`, `UBUNTU-CVE-2013-2208`, `openSUSE-SU-2024:1234-1`, `RHSA-2023:1234`, `DSA-3029-1`. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;

const INFORMATIONAL_KINDS: Readonly<Record<string, AdvisoryKind>> = { unmaintained: 'unmaintained', unsound: 'unsound', notice: 'notice' };

/**
 * Convert an OSV record. Skipped (with a reason naming `where` and the field): not an object, no or malformed id,
 * a schema major version other than 1, withdrawn, no affected package in a known ecosystem with comparable ranges
 * or versions, ranges without events, malformed events, non-string versions.
 */
export function osvRecordToAdvisory(record: unknown, feed: string, where: string): Advisory | { skipped: string } {
  const result = convertOsvRecord(record, feed);
  return 'reason' in result ? { skipped: `${where}: ${result.reason}` } : result;
}

/** The same, with the reason not prefixed by a location (the format readers put that in `FeedItem.where`). */
export function convertOsvRecord(record: unknown, feed: string): Advisory | { reason: string } {
  try {
    return convert(record, feed);
  } catch (error) {
    if (!(error instanceof RecordProblem)) throw error;
    const id = isObject(record) && typeof record['id'] === 'string' && record['id'] !== '' ? `${quote(record['id'])}: ` : '';
    return { reason: `${id}${error.message}` };
  }
}

function convert(record: unknown, feed: string): Advisory {
  if (!isObject(record)) fail(`not an OSV record (a JSON ${Array.isArray(record) ? 'array' : typeof record}, not an object)`);
  const schema = optionalString(record, 'schema_version', '', 32);
  if (schema !== undefined && !/^1(\.\d+){0,2}$/.test(schema)) fail(`unsupported schema_version ${quote(schema)} (OSV 1.x is read)`);

  const id = record['id'];
  if (typeof id !== 'string' || id === '') fail('missing id');
  if (id.length > RECORD_LIMITS.idChars || !ID_PATTERN.test(id)) fail(`malformed id ${quote(id)}`);
  const withdrawn = record['withdrawn'];
  if (withdrawn !== undefined && withdrawn !== null && withdrawn !== false) {
    fail(`withdrawn${typeof withdrawn === 'string' ? ` on ${quote(withdrawn)}` : ''}`);
  }

  const databaseSpecific = optionalObject(record, 'database_specific');
  const entries = optionalArray(record, 'affected', '', RECORD_LIMITS.affected);
  if (entries.length === 0) fail('no affected packages');
  const affected: AffectedPackage[] = [];
  const informational: (string | null)[] = [];
  const cwes: string[] = [];
  const dropped: string[] = [];
  entries.forEach((entry, i) => {
    const result = parseAffected(entry, i, feed);
    if ('dropped' in result) {
      dropped.push(result.dropped);
      return;
    }
    affected.push(result.kept);
    informational.push(result.informational);
    cwes.push(...result.cwes);
  });
  if (affected.length === 0) fail(`no affected package grout can match (${[...new Set(dropped)].slice(0, 3).join('; ')})`);

  const aliases = stringList(record, 'aliases', '', RECORD_LIMITS.aliases, RECORD_LIMITS.idChars);
  const related = [
    ...stringList(record, 'related', '', RECORD_LIMITS.aliases, RECORD_LIMITS.idChars),
    // Ubuntu (schema 1.7) names the CVE its record is about in `upstream`.
    ...stringList(record, 'upstream', '', RECORD_LIMITS.aliases, RECORD_LIMITS.idChars),
  ];
  const ghsaLevel = parseGhsaLevel(databaseSpecific);
  const severity = uniqueRatings([...parseSeverities(record['severity'], feed), ...(ghsaLevel === undefined ? [] : [ghsaLevel])]);

  const advisory: Advisory = {
    id,
    aliases: sortedUnique(aliases, id),
    related: sortedUnique(related, id),
    feed,
    kind: kindOf(id, databaseSpecific, informational),
    severity,
    references: parseReferences(record['references']),
    cwes: sortedUnique([...parseCweIds(databaseSpecific?.['cwe_ids']), ...cwes]),
    affected,
  };
  const text = { summary: lenientText(record, 'summary'), details: lenientText(record, 'details') };
  if (text.summary !== undefined) advisory.summary = text.summary;
  if (text.details !== undefined) advisory.details = text.details;
  const published = lenientText(record, 'published');
  const modified = lenientText(record, 'modified');
  if (published !== undefined) advisory.published = published;
  if (modified !== undefined) advisory.modified = modified;
  return advisory;
}

/**
 * `MAL-*` ids and malicious-packages provenance → malicious. RustSec marks informational advisories per affected
 * entry (`database_specific.informational`); the record takes that kind when every entry has one and they agree
 * (entries that disagree make it a `notice`), and an entry without one makes it a vulnerability.
 */
function kindOf(id: string, databaseSpecific: Record<string, unknown> | undefined, informational: readonly (string | null)[]): AdvisoryKind {
  if (id.startsWith('MAL-') || databaseSpecific?.['malicious-packages-origins'] !== undefined) return 'malicious';
  if (informational.length === 0 || informational.some((value) => value === null)) return 'vulnerability';
  const kinds = new Set(informational.map((value) => INFORMATIONAL_KINDS[value ?? ''] ?? 'notice'));
  const [only] = kinds;
  return kinds.size === 1 && only !== undefined ? only : 'notice';
}

/** Descriptive text: a wrong type reads as absent rather than losing the advisory. */
function lenientText(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value.slice(0, RECORD_LIMITS.textChars) : undefined;
}

function parseReferences(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const urls = new Set<string>();
  for (const item of value.slice(0, RECORD_LIMITS.references)) {
    const url = isObject(item) ? item['url'] : undefined;
    if (typeof url === 'string' && url !== '' && url.length <= RECORD_LIMITS.urlChars) urls.add(url);
  }
  return [...urls];
}

function parseCweIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.slice(0, 1_000).filter((item): item is string => typeof item === 'string' && CWE_PATTERN.test(item));
}
