/**
 * OSV severities (https://ossf.github.io/osv-schema/#severity-field) and the GHSA level in `database_specific`.
 * Descriptive, so lenient: an entry of an unknown type or with a malformed score is dropped, not fatal.
 */
import type { SeverityRating } from '../../advisory.js';
import { isObject } from './osv-fields.js';

const MAX_SEVERITIES = 100;
const MAX_SCORE_CHARS = 512;

/** GitHub's words for `database_specific.severity`. */
const GHSA_LEVELS: ReadonlySet<string> = new Set(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']);

/**
 * `severity[]` → ratings. CVSS_V2/V3/V4 keep their vector (scored later, in matching); Ubuntu's
 * `{ type: "Ubuntu", score: "medium" }` is a `level` rating in the feed's name.
 */
export function parseSeverities(value: unknown, feed: string): SeverityRating[] {
  if (!Array.isArray(value)) return [];
  const ratings: SeverityRating[] = [];
  for (const item of value.slice(0, MAX_SEVERITIES)) {
    if (!isObject(item)) continue;
    const { type, score } = item;
    if (typeof type !== 'string' || typeof score !== 'string' || score === '' || score.length > MAX_SCORE_CHARS) continue;
    const rating = toRating(type, score.trim(), feed);
    if (rating !== undefined) ratings.push(rating);
  }
  return ratings;
}

function toRating(type: string, score: string, feed: string): SeverityRating | undefined {
  switch (type) {
    case 'CVSS_V2':
      // v2 vectors carry no prefix: `AV:N/AC:L/Au:N/C:P/I:P/A:P`.
      return /^\(?AV:[LAN]\//.test(score) ? { type, value: score, source: feed } : undefined;
    case 'CVSS_V3':
      return score.startsWith('CVSS:3.') ? { type, value: score, source: feed } : undefined;
    case 'CVSS_V4':
      return score.startsWith('CVSS:4.') ? { type, value: score, source: feed } : undefined;
    case 'Ubuntu':
      return { type: 'level', value: score, source: feed };
    default:
      return undefined;
  }
}

/** `database_specific.severity` of a GitHub advisory (LOW, MODERATE, HIGH, CRITICAL) as a level rating from `ghsa`. */
export function parseGhsaLevel(databaseSpecific: Record<string, unknown> | undefined): SeverityRating | undefined {
  const value = databaseSpecific?.['severity'];
  if (typeof value !== 'string') return undefined;
  const level = value.trim().toUpperCase();
  return GHSA_LEVELS.has(level) ? { type: 'level', value: level, source: 'ghsa' } : undefined;
}

/** Ratings in first-seen order without repeats (Ubuntu often lists the same vector twice). */
export function uniqueRatings(ratings: Iterable<SeverityRating>): SeverityRating[] {
  const seen = new Set<string>();
  const out: SeverityRating[] = [];
  for (const r of ratings) {
    const key = `${r.type}\u0000${r.value}\u0000${r.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}
