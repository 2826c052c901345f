/**
 * Format handler for the Debian security tracker JSON (~70 MB; see tracker-package.ts for the shape and status
 * rules). One advisory per CVE/TEMP id with an affected entry per (release, source package).
 *
 * The file is keyed by package, so one CVE can sit under several packages far apart. To yield each advisory once
 * and whole without holding the file, parsing reads it twice, streaming both times: the first pass counts the
 * packages per id; the second yields an id as soon as its last package has been read, so only ids still waiting
 * for a later package are held in memory.
 */
import type { Advisory, AffectedPackage, FeedItem } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { compareDebianEcosystems } from './debian-releases.js';
import { headText, readFeedBytes } from '../common/feed-file.js';
import { type MemberLimits, scanObjectMembers } from './json-member-scanner.js';
import { convertTrackerPackage, type TrackerRecord, trackerIds } from './tracker-package.js';

/** The real file is ~70 MB; the caps leave room for growth and bound hostile input. */
const MAX_BYTES = 2 * 1024 * 1024 * 1024;
const LIMITS: MemberLimits = {
  maxKeyBytes: 1024,
  // The largest package (linux) is ~15 MB.
  maxValueBytes: 128 * 1024 * 1024,
  maxStringBytes: 1024 * 1024,
  maxDepth: 16,
};
/** `{"<pkg>": {"CVE-…` or `"TEMP-…`: a package name, then an object keyed by vulnerability id. */
const TRACKER_HEAD = /^\s*\{\s*"[a-z0-9][a-z0-9+.-]{0,200}"\s*:\s*\{\s*"(CVE-\d|TEMP-)/;

export const debianTrackerFormat: FeedFormatHandler = {
  format: 'debian-tracker',
  version: 1,
  sniff(_path: string, head: Uint8Array, isDirectory: boolean): boolean {
    return !isDirectory && TRACKER_HEAD.test(headText(head));
  },
  parse(input: FeedInput, context: ParseContext): AsyncIterable<FeedItem> {
    return parseTracker(input, context);
  },
};

interface Pending {
  remaining: number;
  record: TrackerRecord;
}

async function* parseTracker(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const members = () => scanObjectMembers(readFeedBytes(input, { maxBytes: MAX_BYTES, signal: context.signal }), input.label, LIMITS);

  const packagesPerId = new Map<string, number>();
  for await (const member of members()) {
    if (!('value' in member)) continue;
    for (const id of trackerIds(member.value)) packagesPerId.set(id, (packagesPerId.get(id) ?? 0) + 1);
  }

  const pending = new Map<string, Pending>();
  const unnumbered = new Map<string, number>();
  for await (const member of members()) {
    const where = `${input.label} ${member.key.slice(0, 80)}`;
    if ('error' in member) {
      yield { type: 'skipped', where, reason: member.error };
      continue;
    }
    const result = convertTrackerPackage(member.key, member.value, where);
    for (const skip of result.skipped) yield { type: 'skipped', ...skip };
    for (const [codename, count] of result.unnumbered) unnumbered.set(codename, (unnumbered.get(codename) ?? 0) + count);
    for (const record of result.records) {
      const waiting = pending.get(record.id);
      const total = packagesPerId.get(record.id) ?? 1;
      if (waiting === undefined && total <= 1) {
        yield { type: 'advisory', advisory: toAdvisory(record, context.feed) };
        continue;
      }
      const entry = waiting ?? { remaining: total, record: { id: record.id, references: [], affected: [] } };
      merge(entry.record, record);
      entry.remaining--;
      if (entry.remaining <= 0) {
        pending.delete(record.id);
        yield { type: 'advisory', advisory: toAdvisory(entry.record, context.feed) };
      } else {
        pending.set(record.id, entry);
      }
    }
  }
  // Only non-empty when the file changed between the passes.
  for (const { record } of pending.values()) yield { type: 'advisory', advisory: toAdvisory(record, context.feed) };
  for (const [codename, count] of [...unnumbered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    yield {
      type: 'skipped',
      where: input.label,
      reason: `release ${JSON.stringify(codename)} has no Debian release number: ${count} entries not imported`,
    };
  }
}

function merge(into: TrackerRecord, from: TrackerRecord): void {
  if (into.description === undefined && from.description !== undefined) into.description = from.description;
  for (const reference of from.references) if (!into.references.includes(reference)) into.references.push(reference);
  into.affected.push(...from.affected);
}

function toAdvisory(record: TrackerRecord, feed: string): Advisory {
  const advisory: Advisory = {
    id: record.id,
    aliases: [],
    related: [],
    feed,
    kind: 'vulnerability',
    severity: [],
    references: [`https://security-tracker.debian.org/tracker/${record.id}`, ...record.references],
    cwes: [],
    affected: [...record.affected].sort(compareAffected),
  };
  if (record.description !== undefined) advisory.summary = record.description;
  return advisory;
}

function compareAffected(a: AffectedPackage, b: AffectedPackage): number {
  return compareDebianEcosystems(a.ecosystem, b.ecosystem) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
