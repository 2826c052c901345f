/**
 * The read side of the vulnerability database, as matching sees it. The SQLite implementation lives in
 * `store/`; matching depends only on this interface.
 */
import type { Advisory, AffectedPackage, EolCycle, EpssScore, KevEntry } from './advisory.js';
import type { FeedFormat } from './feed.js';

/** One affected entry and the advisory it belongs to. */
export interface AffectedRow {
  advisory: Advisory;
  affected: AffectedPackage;
}

export interface FeedStatus {
  name: string;
  format: FeedFormat;
  /** The URL or local path it was last loaded from. */
  source: string;
  /** ETag / Last-Modified / sha256 of what was loaded, plus the parser version. */
  fingerprint?: string;
  /** ISO-8601 time the feed's data was last replaced. */
  updatedAt?: string;
  advisories: number;
  kev: number;
  epss: number;
  eol: number;
  skipped: number;
  /** Up to a few example reasons for skipped records, for `grout db status`. */
  skippedExamples: string[];
  /** The last update attempt failed with this message; the data above is the previous good load. */
  lastError?: string;
}

export interface StoreMetadata {
  schemaVersion: number;
  /** ISO-8601 time this database file was built. */
  builtAt: string;
  feeds: FeedStatus[];
}

export interface AdvisoryStore {
  /** Every affected entry for a package name in one ecosystem (exact OSV ecosystem string; name normalised by `normalizePackageName`). */
  affecting(ecosystem: string, name: string): AffectedRow[];
  /** The ecosystems present in the store, sorted (e.g. to see which Debian releases it covers). */
  ecosystems(): string[];
  advisory(id: string): Advisory | undefined;
  kev(cve: string): KevEntry | undefined;
  epss(cve: string): EpssScore | undefined;
  /** Release cycles of an endoflife.date product (`debian`, `alpine-linux`, `nodejs`…). */
  eol(product: string): EolCycle[];
  metadata(): StoreMetadata;
  close(): void;
}
