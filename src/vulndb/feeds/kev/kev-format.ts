/**
 * CISA Known Exploited Vulnerabilities catalog (https://www.cisa.gov/known-exploited-vulnerabilities-catalog),
 * the JSON feed: `{title, catalogVersion, dateReleased, count, vulnerabilities: [{cveID, vendorProject, product,
 * vulnerabilityName, dateAdded, requiredAction, dueDate, knownRansomwareCampaignUse: 'Known'|'Unknown', …}]}`.
 * The file is ~1.3 MB, so it is parsed whole (with a cap); each entry is checked on its own and a bad one skipped.
 */
import type { FeedItem, KevEntry } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { feedFormatError, headText, readFeedJson } from '../common/feed-file.js';

const MAX_BYTES = 256 * 1024 * 1024;
const MAX_FIELD = 16 * 1024;
const CVE = /^CVE-\d{4}-\d{4,8}$/;
/** A catalog has `"catalogVersion": "<string>"`; its JSON Schema has `"catalogVersion": {…}` and is not claimed. */
const KEV_HEAD = /"catalogVersion"\s*:\s*"/;

export const kevFormat: FeedFormatHandler = {
  format: 'kev',
  version: 1,
  sniff(_path: string, head: Uint8Array, isDirectory: boolean): boolean {
    if (isDirectory) return false;
    const text = headText(head);
    return /^\s*\{/.test(text) && KEV_HEAD.test(text);
  },
  parse(input: FeedInput, context: ParseContext): AsyncIterable<FeedItem> {
    return parseKev(input, context);
  },
};

async function* parseKev(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const document = await readFeedJson(input, { maxBytes: MAX_BYTES, signal: context.signal });
  if (!isRecord(document) || !Array.isArray(document['vulnerabilities'])) {
    throw feedFormatError(input.label, 'not a KEV catalog (no "vulnerabilities" array)');
  }
  let index = 0;
  for (const raw of document['vulnerabilities'] as unknown[]) {
    context.signal?.throwIfAborted();
    const where = `${input.label} vulnerabilities[${index++}]`;
    const entry = toEntry(raw);
    if (typeof entry === 'string') yield { type: 'skipped', where, reason: entry };
    else yield { type: 'kev', entry };
  }
}

/** One catalog entry, or why it cannot be read. */
export function toEntry(raw: unknown): KevEntry | string {
  if (!isRecord(raw)) return 'entry is not an object';
  const cve = raw['cveID'];
  if (typeof cve !== 'string' || !CVE.test(cve)) return `cveID is not a CVE id: ${show(cve)}`;
  const dateAdded = raw['dateAdded'];
  if (!isDate(dateAdded)) return `${cve}: dateAdded is not a YYYY-MM-DD date: ${show(dateAdded)}`;
  const dueDate = raw['dueDate'];
  if (dueDate !== undefined && dueDate !== null && dueDate !== '' && !isDate(dueDate)) return `${cve}: dueDate is not a YYYY-MM-DD date: ${show(dueDate)}`;
  const entry: KevEntry = { cve, dateAdded, knownRansomwareCampaignUse: raw['knownRansomwareCampaignUse'] === 'Known' };
  const text = (key: string): string | undefined => {
    const value = raw[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_FIELD) : undefined;
  };
  const vendorProject = text('vendorProject');
  const product = text('product');
  const name = text('vulnerabilityName');
  const requiredAction = text('requiredAction');
  if (vendorProject !== undefined) entry.vendorProject = vendorProject;
  if (product !== undefined) entry.product = product;
  if (name !== undefined) entry.name = name;
  if (isDate(dueDate)) entry.dueDate = dueDate;
  if (requiredAction !== undefined) entry.requiredAction = requiredAction;
  return entry;
}

/** A real calendar date written YYYY-MM-DD. */
export function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : String(value);
  return text.slice(0, 80);
}
