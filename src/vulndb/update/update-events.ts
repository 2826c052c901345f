/** Progress of `grout db update` / `grout db import`, as typed events; the CLI renders them, the library never prints. */
import type { FeedStatus } from '../store.js';

/**
 * What happened to a feed in one run:
 * - `updated`: new data was loaded;
 * - `unchanged`: the source had not changed (HTTP 304, same sha256), its data was kept;
 * - `failed`: download or parse failed; the feed kept its previous data (if any) and `lastError` says why;
 * - `dropped`: the feed is disabled in the configuration and was removed from the database.
 */
export type FeedOutcome = 'updated' | 'unchanged' | 'failed' | 'dropped';

export type UpdateEvent =
  | { type: 'feed-start'; feed: string; source: string }
  | { type: 'feed-bytes'; feed: string; bytes: number; total?: number }
  | { type: 'feed-records'; feed: string; records: number }
  | { type: 'feed-done'; feed: string; outcome: FeedOutcome; status?: FeedStatus; error?: string };

export type UpdateListener = (event: UpdateEvent) => void;

export interface FeedResult {
  name: string;
  outcome: FeedOutcome;
  /** The feed's status in the database after the run (absent when dropped). */
  status?: FeedStatus;
  /** Why it failed, when it did. */
  error?: Error;
}

export interface DatabaseChangeSummary {
  dbPath: string;
  /** The database's build time after the run. */
  builtAt: string;
  /** False when every feed was unchanged and the file was only marked as checked. */
  rebuilt: boolean;
  feeds: FeedResult[];
  /** Temp files of dead processes that were removed. */
  removedTempFiles: string[];
  durationMs: number;
}
