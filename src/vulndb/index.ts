/**
 * vulndb: the vulnerability database — advisory model and feed contracts, feed formats, the SQLite store, and
 * update (download) / import (offline) / status. Other modules import only from here.
 *
 * @example
 * import { openAdvisoryStore, resolveDatabaseSettings } from '../vulndb/index.js';
 * const store = openAdvisoryStore(resolveDatabaseSettings().dbPath);
 * const rows = store.affecting('npm', 'lodash');
 */
export type { Advisory, AffectedPackage, AdvisoryKind, AffectedStatus, EolCycle, EpssScore, FeedItem, KevEntry, SeverityRating } from './advisory.js';
export type { FeedDefinition, FeedFormat, FeedFormatHandler, FeedInput, ParseContext } from './feed.js';
export type { AdvisoryStore, AffectedRow, FeedStatus, StoreMetadata } from './store.js';
export { baseEcosystem, normalizePackageName } from './package-name.js';
export { FEED_FORMATS, feedFormat } from './feeds/index.js';
export {
  applyFeedConfig,
  DEFAULT_MAX_AGE_HOURS,
  defaultFeeds,
  parseConfig,
  resolveDatabaseSettings,
  type ConfigFile,
  type DatabaseSettings,
  type FeedSetting,
  type SettingsOverrides,
} from './feed-config.js';
export { DB_MISSING_HINT, openAdvisoryStore } from './store/sqlite-store.js';
export { SCHEMA_VERSION } from './store/schema.js';
export { StoreBuilder, type BuildResult, type FeedLoad, type FeedLoadResult, type StoreBuilderOptions } from './store/store-builder.js';
export { fetchFeed, OFFLINE_HINT, type FetchOptions, type FetchResult } from './update/http-fetch.js';
export { updateDatabase, type UpdateOptions } from './update/update-database.js';
export { discoverFeeds, importDatabase, type DiscoveredFeed, type ImportOptions, type ImportSummary } from './update/import-database.js';
export { databaseStatus, formatAge, type DatabaseStatus, type StatusOptions } from './update/database-status.js';
export type { DatabaseChangeSummary, FeedOutcome, FeedResult, UpdateEvent, UpdateListener } from './update/update-events.js';
