/**
 * The on-disk layout of the vulnerability database. One SQLite file, written once by the builder and then only
 * read. `PRAGMA application_id` marks the file as grout's and `PRAGMA user_version` carries the schema version, so
 * a reader can refuse a foreign or newer file before running a single query on it.
 */
import type { FeedFormat } from '../feed.js';
import type { FeedStatus } from '../store.js';

/** Bump whenever a table or the JSON stored in it changes shape; readers refuse any other version. */
export const SCHEMA_VERSION = 1;
/** "GrtV" as a big-endian int32: says "this SQLite file is a grout vulnerability database". */
export const APPLICATION_ID = 0x47727456;

export const SCHEMA_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE feeds (
  name TEXT PRIMARY KEY,
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  fingerprint TEXT,
  updated_at TEXT,
  advisories INTEGER NOT NULL DEFAULT 0,
  kev INTEGER NOT NULL DEFAULT 0,
  epss INTEGER NOT NULL DEFAULT 0,
  eol INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  skipped_examples TEXT NOT NULL DEFAULT '[]',
  last_error TEXT
) WITHOUT ROWID;
-- Rowid tables wherever rows are large (JSON): WITHOUT ROWID stores rows inside the key b-tree, which wastes pages
-- on rows bigger than a few hundred bytes (https://sqlite.org/withoutrowid.html#when_to_use_without_rowid).
CREATE TABLE advisories (
  feed TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (feed, id)
);
CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  name_key TEXT NOT NULL,
  feed TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE kev (cve TEXT PRIMARY KEY, feed TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE epss (cve TEXT PRIMARY KEY, feed TEXT NOT NULL, score REAL NOT NULL, percentile REAL NOT NULL, date TEXT) WITHOUT ROWID;
-- A rowid table on purpose: rowid keeps the feed's own cycle order (newest first), which text order of cycle would not.
CREATE TABLE eol (product TEXT NOT NULL, cycle TEXT NOT NULL, feed TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (product, cycle));
`;

/** Created after the bulk load: building an index once is much cheaper than maintaining it row by row. */
export const INDEX_DDL = `
CREATE INDEX affected_by_package ON affected (ecosystem, name_key);
CREATE INDEX advisories_by_id ON advisories (id);
`;

/** The tables holding a feed's records, each with a `feed` column: what copy-forward and replace work on. */
export const FEED_TABLES = ['advisories', 'affected', 'kev', 'epss', 'eol'] as const;

export interface FeedRow {
  name: string;
  format: string;
  source: string;
  fingerprint: string | null;
  updated_at: string | null;
  advisories: number;
  kev: number;
  epss: number;
  eol: number;
  skipped: number;
  skipped_examples: string;
  last_error: string | null;
}

export function feedStatusFromRow(row: FeedRow): FeedStatus {
  let examples: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.skipped_examples);
    if (Array.isArray(parsed)) examples = parsed.filter((e): e is string => typeof e === 'string');
  } catch {
    // A hand-edited or damaged examples column only loses the examples, not the feed.
  }
  return {
    name: row.name,
    format: row.format as FeedFormat,
    source: row.source,
    ...(row.fingerprint === null ? {} : { fingerprint: row.fingerprint }),
    ...(row.updated_at === null ? {} : { updatedAt: row.updated_at }),
    advisories: row.advisories,
    kev: row.kev,
    epss: row.epss,
    eol: row.eol,
    skipped: row.skipped,
    skippedExamples: examples,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
  };
}

export function feedRowFromStatus(status: FeedStatus): FeedRow {
  return {
    name: status.name,
    format: status.format,
    source: status.source,
    fingerprint: status.fingerprint ?? null,
    updated_at: status.updatedAt ?? null,
    advisories: status.advisories,
    kev: status.kev,
    epss: status.epss,
    eol: status.eol,
    skipped: status.skipped,
    skipped_examples: JSON.stringify(status.skippedExamples),
    last_error: status.lastError ?? null,
  };
}
