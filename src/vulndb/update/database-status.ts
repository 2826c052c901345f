/**
 * `grout db status`: what is in the database — per feed its source, fingerprint, record counts, skipped records
 * (with examples), last update and last error — and whether the database is older than the configured maximum age.
 */
import { statSync } from 'node:fs';
import { DEFAULT_MAX_AGE_HOURS } from '../feed-config.js';
import type { FeedStatus } from '../store.js';
import { openAdvisoryStore } from '../store/sqlite-store.js';

export interface DatabaseStatus {
  path: string;
  schemaVersion: number;
  builtAt: string;
  /** Hours since `builtAt`, one decimal. */
  ageHours: number;
  maxAgeHours: number;
  stale: boolean;
  sizeBytes: number;
  feeds: FeedStatus[];
  /** Things the user should act on: staleness, feeds whose last update failed. */
  warnings: string[];
}

export interface StatusOptions {
  maxAgeHours?: number;
  now?: () => Date;
}

/** Read the status of the database at `path` (E_DB_MISSING / E_DB_FORMAT as `openAdvisoryStore`). */
export function databaseStatus(path: string, options: StatusOptions = {}): DatabaseStatus {
  const store = openAdvisoryStore(path);
  let meta;
  try {
    meta = store.metadata();
  } finally {
    store.close();
  }
  const maxAgeHours = options.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS;
  const now = (options.now ?? (() => new Date()))().getTime();
  const built = Date.parse(meta.builtAt);
  const ageHours = Number.isNaN(built) ? Number.POSITIVE_INFINITY : Math.round(((now - built) / 3_600_000) * 10) / 10;
  const stale = !(ageHours <= maxAgeHours);
  const warnings: string[] = [];
  if (stale) {
    warnings.push(`the database is ${formatAge(ageHours)} old (built ${meta.builtAt || 'at an unknown time'}), older than the ${maxAgeHours} h maximum: run grout db update`);
  }
  for (const feed of meta.feeds) {
    if (feed.lastError !== undefined) warnings.push(`${feed.name}: the last update failed (${feed.lastError}); it still has its previous data`);
  }
  return { path, schemaVersion: meta.schemaVersion, builtAt: meta.builtAt, ageHours, maxAgeHours, stale, sizeBytes: statSync(path).size, feeds: meta.feeds, warnings };
}

export function formatAge(hours: number): string {
  if (!Number.isFinite(hours)) return 'of unknown age';
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
