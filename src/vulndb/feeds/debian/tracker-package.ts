/**
 * One source package of the Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json)
 * into per-vulnerability records. The tracker writes
 * `{"<src>": {"<CVE-id|TEMP-id>": {description, scope, debianbug, releases: {"<codename>": {status, repositories,
 * fixed_version, urgency, nodsa?, nodsa_reason?}}}}}`. Status rules (per release):
 * - `resolved` with fixed_version `0` → not-affected; with a version → affected, fixed in that version;
 * - `open` / `undetermined` → unfixed, unless urgency `end-of-life` → end-of-life, urgency `unimportant` →
 *   unimportant, or a `nodsa` mark (no DSA: `ignored`, `postponed`, or plain) → will-not-fix, in that order.
 * The urgency becomes a per-package `level` severity; its `**` suffix (urgency taken from NVD, not set by the
 * security team) is dropped. Pure: no I/O.
 */
import { debScheme } from '../../../version/index.js';
import type { AffectedPackage, AffectedStatus, SeverityRating } from '../../advisory.js';
import { debianEcosystem, isDebianSourceName } from './debian-releases.js';

export const TRACKER_SEVERITY_SOURCE = 'debian-tracker';

const ID = /^(CVE-\d{4}-\d{4,8}|TEMP-[0-9A-Za-z-]{1,40})$/;
const MAX_TEXT = 64 * 1024;

export interface TrackerRecord {
  id: string;
  description?: string;
  references: string[];
  affected: AffectedPackage[];
}

export interface TrackerPackageResult {
  records: TrackerRecord[];
  skipped: { where: string; reason: string }[];
  /** Entries for codenames without a release number (`sid`, `experimental`), counted per codename. */
  unnumbered: Map<string, number>;
}

/** The vulnerability ids a package object lists (for counting in the first pass). */
export function trackerIds(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value).filter((id) => ID.test(id)) : [];
}

/** @example convertTrackerPackage('zlib', parsedMember, 'debian.json zlib') */
export function convertTrackerPackage(src: string, value: unknown, where: string): TrackerPackageResult {
  const result: TrackerPackageResult = { records: [], skipped: [], unnumbered: new Map() };
  const skip = (at: string, reason: string): void => {
    result.skipped.push({ where: at, reason });
  };
  if (!isDebianSourceName(src)) {
    skip(where, `not a source package name: ${JSON.stringify(src.slice(0, 80))}`);
    return result;
  }
  if (!isRecord(value)) {
    skip(where, 'package entry is not an object');
    return result;
  }
  for (const [id, raw] of Object.entries(value)) {
    const at = `${where} ${id.slice(0, 80)}`;
    if (!ID.test(id)) {
      skip(at, 'not a CVE or TEMP id');
      continue;
    }
    // The tracker writes an entry without any release triage as `"releases": []`.
    const releases = isRecord(raw) ? raw['releases'] : undefined;
    if (!isRecord(raw) || !(isRecord(releases) || (Array.isArray(releases) && releases.length === 0))) {
      skip(at, 'entry has no releases object');
      continue;
    }
    const record: TrackerRecord = { id, references: [], affected: [] };
    const description = raw['description'];
    if (typeof description === 'string' && description.trim() !== '') record.description = description.trim().slice(0, MAX_TEXT);
    const bug = raw['debianbug'];
    if (typeof bug === 'number' && Number.isSafeInteger(bug) && bug > 0) record.references.push(`https://bugs.debian.org/${bug}`);
    for (const [codename, release] of Array.isArray(releases) ? [] : Object.entries(releases)) {
      const ecosystem = debianEcosystem(codename);
      if (ecosystem === undefined) {
        const name = codename.slice(0, 40);
        result.unnumbered.set(name, (result.unnumbered.get(name) ?? 0) + 1);
        continue;
      }
      const entry = releaseEntry(ecosystem, src, release);
      if (typeof entry === 'string') skip(`${at} ${codename}`, entry);
      else record.affected.push(entry);
    }
    result.records.push(record);
  }
  return result;
}

/** One release's triage as an affected entry, or the reason it cannot be read. */
function releaseEntry(ecosystem: string, name: string, release: unknown): AffectedPackage | string {
  if (!isRecord(release)) return 'release entry is not an object';
  const { status, fixed_version: fixed, urgency, nodsa, nodsa_reason: nodsaReason } = release;
  if (typeof status !== 'string') return 'release entry has no status';
  if (!isOptionalString(fixed) || !isOptionalString(urgency) || !isOptionalString(nodsa) || !isOptionalString(nodsaReason)) {
    return 'fixed_version, urgency, nodsa and nodsa_reason must be strings';
  }
  const level = urgency?.replace(/\*+$/, '').trim().slice(0, 40);
  const entry: AffectedPackage = { ecosystem, name, status: 'affected', ranges: [], versions: [] };
  if (level !== undefined && level !== '') entry.severity = [rating(level)];
  if (status === 'resolved') {
    if (fixed === undefined || fixed === null || fixed === '') return 'resolved without a fixed_version';
    if (fixed === '0') {
      entry.status = 'not-affected';
      return entry;
    }
    if (!debScheme.isValid(fixed)) return `fixed_version is not a Debian version: ${JSON.stringify(fixed.slice(0, 80))}`;
    entry.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];
    return entry;
  }
  if (status !== 'open' && status !== 'undetermined') return `unknown status ${JSON.stringify(status.slice(0, 40))}`;
  entry.status = openStatus(level, nodsa, nodsaReason);
  entry.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
  if (nodsa !== undefined && nodsa !== null) {
    const reason = nodsaReason === undefined || nodsaReason === null || nodsaReason === '' ? 'no-dsa' : `no-dsa (${nodsaReason})`;
    entry.note = (nodsa.trim() === '' ? reason : `${reason}: ${nodsa.trim()}`).slice(0, MAX_TEXT);
  }
  return entry;
}

function openStatus(level: string | undefined, nodsa: string | null | undefined, nodsaReason: string | null | undefined): AffectedStatus {
  if (level === 'end-of-life') return 'end-of-life';
  if (level === 'unimportant') return 'unimportant';
  if ((nodsa !== undefined && nodsa !== null) || nodsaReason === 'ignored' || nodsaReason === 'postponed') return 'will-not-fix';
  return 'unfixed';
}

function rating(value: string): SeverityRating {
  return { type: 'level', value, source: TRACKER_SEVERITY_SOURCE };
}

function isOptionalString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
