/**
 * `grout db update`: for every enabled feed, fetch it (conditionally, with its stored fingerprint), parse it with
 * its format handler and load it into a new database file that then replaces the old one atomically. A feed that
 * fails (network, bad format, a parser's GroutError) keeps its previous data and records `lastError`; the others
 * are still updated. When every feed is unchanged nothing is rebuilt: the live file is only marked as checked.
 *
 * @example
 * const settings = resolveDatabaseSettings();
 * const summary = await updateDatabase({ dbPath: settings.dbPath, feeds: settings.feeds, onProgress: console.error });
 */
import { GroutError } from '../../core/errors.js';
import type { FeedSetting } from '../feed-config.js';
import type { FeedDefinition, FeedFormatHandler } from '../feed.js';
import { FEED_FORMATS } from '../feeds/index.js';
import type { FeedStatus } from '../store.js';
import { openAdvisoryStore } from '../store/sqlite-store.js';
import { markDatabaseChecked, StoreBuilder } from '../store/store-builder.js';
import { removeStaleTempFiles } from '../store/temp-files.js';
import { decodeFingerprint } from './fingerprint.js';
import { fetchFeed, type FetchOptions, type FetchResult } from './http-fetch.js';
import { redactUrl } from './redact-url.js';
import type { DatabaseChangeSummary, FeedResult, UpdateListener } from './update-events.js';

export interface UpdateOptions {
  dbPath: string;
  /** The configured feeds (see `resolveDatabaseSettings`); disabled ones are removed from the database. */
  feeds: readonly (FeedDefinition | FeedSetting)[];
  /** `--feed`: update only these (by name; a disabled feed named here is updated too). */
  only?: readonly string[];
  /** Format handlers (default: the FEED_FORMATS table). */
  formats?: readonly FeedFormatHandler[];
  /** Download limits, timeouts and retries. */
  fetch?: Omit<FetchOptions, 'signal' | 'onBytes'>;
  /** Downloads running ahead of the feed being loaded. Default 4. */
  concurrency?: number;
  onProgress?: UpdateListener;
  signal?: AbortSignal;
  now?: () => Date;
}

type FetchOutcome = { ok: true; result: FetchResult } | { ok: false; error: Error };

export async function updateDatabase(options: UpdateOptions): Promise<DatabaseChangeSummary> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const formats = options.formats ?? FEED_FORMATS;
  const emit = options.onProgress ?? (() => {});
  const selected = selectFeeds(options.feeds, options.only);
  const disabled = options.only === undefined ? options.feeds.filter((f) => 'enabled' in f && !f.enabled).map((f) => f.name) : [];
  const removedTempFiles = removeStaleTempFiles(options.dbPath);
  const previous = previousFeeds(options.dbPath);

  const handlers = new Map<string, FeedFormatHandler>();
  for (const def of selected) {
    const handler = formats.find((h) => h.format === def.format);
    if (handler === undefined) throw new GroutError('E_USAGE', `feed ${def.name}: no handler for format ${def.format}`);
    handlers.set(def.name, handler);
  }

  // Downloads run ahead (bounded); each holds its slot until its feed is loaded, so at most `concurrency`
  // downloaded files sit on disk at once. A fetch promise never rejects: failures are data here.
  const slots = new Semaphore(Math.max(1, options.concurrency ?? 4));
  const fetches = selected.map((def) => {
    const handler = handlers.get(def.name) as FeedFormatHandler;
    return slots.acquire().then(async (): Promise<FetchOutcome> => {
      emit({ type: 'feed-start', feed: def.name, source: redactUrl(def.url) });
      try {
        const result = await fetchFeed(def.url, reusableFingerprint(previous.get(def.name), def, handler), {
          ...options.fetch,
          ...(options.signal ? { signal: options.signal } : {}),
          onBytes: (bytes, total) => emit({ type: 'feed-bytes', feed: def.name, bytes, ...(total === undefined ? {} : { total }) }),
        });
        return { ok: true, result };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    });
  });

  const results: FeedResult[] = [];
  let builder: StoreBuilder | undefined;
  const openBuilder = async (): Promise<StoreBuilder> => (builder ??= await StoreBuilder.open(options.dbPath, { now }));
  try {
    for (const [index, def] of selected.entries()) {
      const outcome = await (fetches[index] as Promise<FetchOutcome>);
      try {
        options.signal?.throwIfAborted();
        const result = await loadOne(def, handlers.get(def.name) as FeedFormatHandler, outcome, previous, openBuilder, options, emit);
        results.push(result);
        emit({ type: 'feed-done', feed: def.name, outcome: result.outcome, ...(result.status ? { status: result.status } : {}), ...(result.error ? { error: result.error.message } : {}) });
      } finally {
        if (outcome.ok && outcome.result.status === 'downloaded') await outcome.result.dispose();
        slots.release();
      }
    }
    for (const name of disabled) {
      if (!previous.has(name)) continue;
      (await openBuilder()).dropFeed(name);
      results.push({ name, outcome: 'dropped' });
      emit({ type: 'feed-done', feed: name, outcome: 'dropped' });
    }
    if (builder === undefined) {
      // Everything unchanged (or nothing selected): no rebuild, only "confirmed current as of now".
      if (previous.size === 0) throw noDatabaseYet(options.dbPath, results);
      const meta = markDatabaseChecked(options.dbPath, now(), results.filter((r) => r.outcome === 'unchanged').map((r) => r.name));
      return finish(options.dbPath, meta.builtAt, false, results, meta.feeds, removedTempFiles, started);
    }
    if (previous.size === 0 && results.length > 0 && results.every((r) => r.outcome === 'failed')) {
      // Writing a database with no data would let a scan report "no vulnerabilities": refuse instead.
      builder.abort();
      throw noDatabaseYet(options.dbPath, results);
    }
    // Unchanged feeds keep their data; keepFeed without an error clears one left by an earlier failed run.
    for (const r of results) if (r.outcome === 'unchanged') builder.keepFeed(r.name);
    const built = await builder.commit();
    return finish(options.dbPath, built.metadata.builtAt, true, results, built.metadata.feeds, removedTempFiles, started);
  } catch (err) {
    builder?.abort();
    // Let the remaining downloads finish quietly and clean up after themselves.
    void Promise.all(fetches).then(async (all) => {
      for (const o of all) if (o.ok && o.result.status === 'downloaded') await o.result.dispose();
    });
    throw err;
  }
}

async function loadOne(
  def: FeedDefinition,
  handler: FeedFormatHandler,
  outcome: FetchOutcome,
  previous: Map<string, FeedStatus>,
  openBuilder: () => Promise<StoreBuilder>,
  options: UpdateOptions,
  emit: UpdateListener,
): Promise<FeedResult> {
  const source = redactUrl(def.url);
  const load = { name: def.name, format: def.format, source };
  if (!outcome.ok) {
    const builder = await openBuilder();
    return { name: def.name, outcome: 'failed', status: builder.failFeed(load, outcome.error), error: outcome.error };
  }
  const fetched = outcome.result;
  if (fetched.status === 'unchanged') {
    // Nothing to load: a rebuild carries it (see below) and an all-unchanged run never opens a builder at all.
    const { lastError: _cleared, ...status } = previous.get(def.name) as FeedStatus;
    return { name: def.name, outcome: 'unchanged', status };
  }
  const builder = await openBuilder();
  const items = handler.parse({ path: fetched.file, label: source }, { feed: def.name, ...(options.signal ? { signal: options.signal } : {}) });
  const loaded = await builder.loadFeed(
    { ...load, fingerprint: `${fetched.fingerprint};parser=${parserId(handler)}` },
    items,
    (records) => emit({ type: 'feed-records', feed: def.name, records }),
  );
  if (loaded.error !== undefined) {
    const error = loaded.error instanceof Error ? loaded.error : new Error(String(loaded.error));
    return { name: def.name, outcome: 'failed', status: loaded.status, error };
  }
  return { name: def.name, outcome: 'updated', status: loaded.status };
}

function parserId(handler: FeedFormatHandler): string {
  return `${handler.format}@${handler.version}`;
}

/** The stored fingerprint, unless the feed's URL or parser changed since (then it must be downloaded again). */
function reusableFingerprint(before: FeedStatus | undefined, def: FeedDefinition, handler: FeedFormatHandler): string | undefined {
  if (before?.fingerprint === undefined) return undefined;
  if (before.source !== redactUrl(def.url) || before.format !== def.format) return undefined;
  if (decodeFingerprint(before.fingerprint).parser !== parserId(handler)) return undefined;
  return before.fingerprint;
}

function selectFeeds(feeds: readonly (FeedDefinition | FeedSetting)[], only: readonly string[] | undefined): FeedDefinition[] {
  if (only === undefined || only.length === 0) return feeds.filter((f) => !('enabled' in f) || f.enabled);
  const unknown = only.filter((name) => !feeds.some((f) => f.name === name));
  if (unknown.length > 0) {
    throw new GroutError('E_USAGE', `unknown feed ${unknown.join(', ')}`, { hint: `configured feeds: ${feeds.map((f) => f.name).join(', ')}` });
  }
  return feeds.filter((f) => only.includes(f.name));
}

function previousFeeds(dbPath: string): Map<string, FeedStatus> {
  try {
    const store = openAdvisoryStore(dbPath);
    try {
      return new Map(store.metadata().feeds.map((f) => [f.name, f]));
    } finally {
      store.close();
    }
  } catch (err) {
    if (err instanceof GroutError && (err.code === 'E_DB_MISSING' || err.code === 'E_DB_FORMAT')) return new Map();
    throw err;
  }
}

function noDatabaseYet(dbPath: string, results: FeedResult[]): GroutError {
  const first = results.find((r) => r.error !== undefined)?.error;
  const code = first instanceof GroutError ? first.code : 'E_NETWORK';
  const detail = first === undefined ? 'no feed was selected' : `every feed failed; the first: ${first.message}`;
  return new GroutError(code, `no vulnerability database was written at ${dbPath}: ${detail}`, {
    hint: first instanceof GroutError && first.hint !== undefined ? first.hint : 'check the network, or run `grout db import <dir|zip|file>` offline',
    file: dbPath,
    ...(first === undefined ? {} : { cause: first }),
  });
}

function finish(
  dbPath: string,
  builtAt: string,
  rebuilt: boolean,
  results: FeedResult[],
  statuses: FeedStatus[],
  removedTempFiles: string[],
  started: number,
): DatabaseChangeSummary {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const feeds = results.map((r) => {
    const status = byName.get(r.name);
    return status === undefined || r.outcome === 'dropped' ? r : { ...r, status };
  });
  return { dbPath, builtAt, rebuilt, feeds, removedTempFiles, durationMs: Date.now() - started };
}

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.free++;
  }
}
