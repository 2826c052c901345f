/**
 * The write side of the SQLite store. A build never touches the live database: it writes a new file beside it
 * (`<db>.tmp-<pid>-<random>`), loads feed after feed from FeedItems, copies forward the rows of every feed it was
 * not given new data for (unchanged, failed, or simply not part of this run) from the old file, and finally
 * renames the new file over the old one. rename() is atomic on POSIX, so a reader, a crash, a `kill -9` or a bad
 * feed can only ever see the old file or the complete new one. Two concurrent builds each rename a complete file:
 * the last rename wins.
 *
 * @example
 * const builder = await StoreBuilder.open(dbPath);
 * await builder.loadFeed({ name: 'kev', format: 'kev', source: url, fingerprint }, kevFormat.parse(input, { feed: 'kev' }));
 * await builder.commit();
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GroutError } from '../../core/errors.js';
import type { FeedItem } from '../advisory.js';
import type { FeedFormat } from '../feed.js';
import { normalizePackageName } from '../package-name.js';
import type { FeedStatus, StoreMetadata } from '../store.js';
import { APPLICATION_ID, FEED_TABLES, feedRowFromStatus, INDEX_DDL, SCHEMA_DDL, SCHEMA_VERSION } from './schema.js';
import { checkIdentity, readMetadata } from './sqlite-store.js';
import { removeStaleTempFiles, tempPathFor } from './temp-files.js';

/** How many skipped-record reasons a feed keeps for `grout db status`. */
export const SKIPPED_EXAMPLES = 5;

export interface StoreBuilderOptions {
  /** Clock, injected so tests are deterministic. */
  now?: () => Date;
  /** Items per write transaction. */
  batchSize?: number;
}

/** What is being loaded: the feed's name and format, where it came from, and the fingerprint of what was fetched. */
export interface FeedLoad {
  name: string;
  format: FeedFormat;
  source: string;
  fingerprint?: string;
}

export interface FeedLoadResult {
  status: FeedStatus;
  /** Set when reading the items failed: the feed then kept its previous data (if any) and `status.lastError` says why. */
  error?: unknown;
}

export interface BuildResult {
  path: string;
  metadata: StoreMetadata;
}

export class StoreBuilder {
  private readonly db: Database.Database;
  private readonly statuses = new Map<string, FeedStatus>();
  /** Feeds whose rows come from the old file at commit time. */
  private readonly carried = new Set<string>();
  private readonly dropped = new Set<string>();
  private finished = false;

  private constructor(
    readonly target: string,
    readonly tempPath: string,
    private readonly previous: Map<string, FeedStatus>,
    /** Why the old file could not be read, when it exists but is not usable (its data is then not carried forward). */
    readonly previousProblem: string | undefined,
    private readonly now: () => Date,
    private readonly batchSize: number,
  ) {
    this.db = new Database(tempPath);
    // better-sqlite3 opens connections in defensive mode, which refuses journal_mode=OFF; lift it for this one
    // pragma. No journal is safe here: this file is ours alone until the rename, and a crash only orphans it.
    this.db.unsafeMode(true);
    this.db.pragma('journal_mode = OFF');
    this.db.unsafeMode(false);
    this.db.pragma('synchronous = OFF');
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('cache_size = -65536');
    this.db.exec(SCHEMA_DDL);
    this.attachPrevious();
  }

  /** Start a build of `target`: removes temp files left by dead processes and reads the old file's feed status. */
  static async open(target: string, options: StoreBuilderOptions = {}): Promise<StoreBuilder> {
    mkdirSync(dirname(target), { recursive: true });
    removeStaleTempFiles(target);
    const { feeds, problem, foreign } = readPrevious(target);
    if (foreign) {
      throw new GroutError('E_DB_FORMAT', `${target} exists and is not a grout vulnerability database; not overwriting it`, {
        file: target,
        hint: 'remove it yourself, or choose another path with --db or GROUT_DB',
      });
    }
    const tempPath = tempPathFor(target);
    try {
      return new StoreBuilder(target, tempPath, feeds, problem, options.now ?? (() => new Date()), options.batchSize ?? 5000);
    } catch (cause) {
      rmSync(tempPath, { force: true });
      throw new GroutError('E_IO', `cannot create ${tempPath}: ${(cause as Error).message}`, { file: tempPath, cause });
    }
  }

  /** Status of a feed in the old file, if it had one. */
  previousFeed(name: string): FeedStatus | undefined {
    return this.previous.get(name);
  }

  previousFeeds(): FeedStatus[] {
    return [...this.previous.values()];
  }

  /**
   * Load one feed's items into the new file. If the items throw part-way (a truncated download, a GroutError from
   * the parser, an abort), the partial rows are removed and the feed keeps its previous data, with `lastError` set.
   */
  async loadFeed(load: FeedLoad, items: AsyncIterable<FeedItem>, onRecords?: (records: number) => void): Promise<FeedLoadResult> {
    this.assertOpen();
    if (this.statuses.has(load.name)) throw new GroutError('E_INTERNAL', `feed ${load.name} loaded twice in one build`);
    const status: FeedStatus = {
      name: load.name,
      format: load.format,
      source: load.source,
      ...(load.fingerprint === undefined ? {} : { fingerprint: load.fingerprint }),
      updatedAt: this.now().toISOString(),
      advisories: 0,
      kev: 0,
      epss: 0,
      eol: 0,
      skipped: 0,
      skippedExamples: [],
    };
    const insert = this.statements();
    const seen = new Set<string>();
    let records = 0;
    let inBatch = 0;
    const skip = (reason: string): void => {
      status.skipped++;
      if (status.skippedExamples.length < SKIPPED_EXAMPLES) status.skippedExamples.push(reason);
    };
    this.db.exec('BEGIN');
    try {
      for await (const item of items) {
        records++;
        switch (item.type) {
          case 'advisory': {
            const advisory = item.advisory;
            if (typeof advisory?.id !== 'string' || advisory.id === '' || !Array.isArray(advisory.affected)) {
              skip(`${load.name}: advisory without an id or affected list`);
              break;
            }
            if (seen.has(advisory.id)) {
              skip(`${advisory.id}: duplicate advisory id in ${load.name}; kept the first`);
              break;
            }
            seen.add(advisory.id);
            const stored = advisory.feed === load.name ? advisory : { ...advisory, feed: load.name };
            insert.advisory.run(load.name, advisory.id, advisory.kind, JSON.stringify(stored));
            for (const affected of advisory.affected) {
              insert.affected.run(affected.ecosystem, normalizePackageName(affected.ecosystem, affected.name), load.name, advisory.id, JSON.stringify(affected));
            }
            status.advisories++;
            break;
          }
          case 'kev':
            insert.kev.run(item.entry.cve, load.name, JSON.stringify(item.entry));
            status.kev++;
            break;
          case 'epss':
            insert.epss.run(item.score.cve, load.name, item.score.score, item.score.percentile, item.score.date ?? null);
            status.epss++;
            break;
          case 'eol':
            insert.eol.run(item.cycle.product, item.cycle.cycle, load.name, JSON.stringify(item.cycle));
            status.eol++;
            break;
          case 'skipped':
            skip(`${item.where}: ${item.reason}`);
            break;
          default:
            skip(`${load.name}: unknown item type`);
        }
        if (++inBatch >= this.batchSize) {
          this.db.exec('COMMIT');
          onRecords?.(records);
          inBatch = 0;
          this.db.exec('BEGIN');
        }
      }
      this.db.exec('COMMIT');
      onRecords?.(records);
    } catch (error) {
      // journal_mode=OFF: ROLLBACK is undefined, so commit what is there and delete it explicitly.
      if (this.db.inTransaction) this.db.exec('COMMIT');
      this.deleteFeedRows(load.name);
      const failed = this.failFeed(load, error);
      return { status: failed, error };
    }
    this.statuses.set(load.name, status);
    return { status };
  }

  /**
   * Keep a feed's previous data as it is (its download was unchanged). `lastError` clears or sets the error note.
   * Returns the carried status, or undefined when the old file has no such feed.
   */
  keepFeed(name: string, lastError?: string): FeedStatus | undefined {
    this.assertOpen();
    const before = this.previous.get(name);
    if (before === undefined) return undefined;
    const { lastError: _old, ...rest } = before;
    const status: FeedStatus = { ...rest, ...(lastError === undefined ? {} : { lastError }) };
    this.statuses.set(name, status);
    this.carried.add(name);
    return status;
  }

  /** Record that updating a feed failed: it keeps its previous data (or stays empty) and `lastError` says why. */
  failFeed(load: FeedLoad, error: unknown): FeedStatus {
    this.assertOpen();
    const message = errorMessage(error);
    const kept = this.keepFeed(load.name, message);
    if (kept !== undefined) return kept;
    const status: FeedStatus = {
      name: load.name,
      format: load.format,
      source: load.source,
      advisories: 0,
      kev: 0,
      epss: 0,
      eol: 0,
      skipped: 0,
      skippedExamples: [],
      lastError: message,
    };
    this.statuses.set(load.name, status);
    return status;
  }

  /** Leave a feed out of the new file (e.g. it was disabled). */
  dropFeed(name: string): void {
    this.assertOpen();
    this.dropped.add(name);
    this.statuses.delete(name);
    this.carried.delete(name);
  }

  /**
   * Finish: carry forward every old feed not replaced or dropped, write feed status and metadata, index, ANALYZE,
   * fsync, and atomically rename the new file over the target.
   */
  async commit(): Promise<BuildResult> {
    this.assertOpen();
    try {
      for (const name of this.previous.keys()) {
        if (!this.statuses.has(name) && !this.dropped.has(name)) this.keepFeed(name, this.previous.get(name)?.lastError);
      }
      this.copyCarriedRows();
      const builtAt = this.now().toISOString();
      const writeFeed = this.db.prepare(
        `INSERT INTO feeds (name, format, source, fingerprint, updated_at, advisories, kev, epss, eol, skipped, skipped_examples, last_error)
         VALUES (@name, @format, @source, @fingerprint, @updated_at, @advisories, @kev, @epss, @eol, @skipped, @skipped_examples, @last_error)`,
      );
      const writeMeta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      this.db.transaction(() => {
        for (const status of [...this.statuses.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) writeFeed.run(feedRowFromStatus(status));
        writeMeta.run('schema_version', String(SCHEMA_VERSION));
        writeMeta.run('built_at', builtAt);
      })();
      if (this.isAttached()) this.db.exec('DETACH DATABASE old');
      this.db.exec(INDEX_DDL);
      this.db.exec('ANALYZE');
      // Only a finished file says it is a grout database: a half-written temp file never passes checkIdentity.
      this.db.pragma(`application_id = ${APPLICATION_ID}`);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      const metadata = readMetadata(this.db);
      this.db.close();
      fsyncPath(this.tempPath);
      renameSync(this.tempPath, this.target);
      fsyncPath(dirname(this.target));
      this.finished = true;
      return { path: this.target, metadata };
    } catch (cause) {
      this.abort();
      if (cause instanceof GroutError) throw cause;
      throw new GroutError('E_IO', `cannot write the vulnerability database ${this.target}: ${(cause as Error).message}`, { file: this.target, cause });
    }
  }

  /** Give up: close and remove the temp file; the old database stays as it was. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.db.open) this.db.close();
    rmSync(this.tempPath, { force: true });
  }

  private assertOpen(): void {
    if (this.finished) throw new GroutError('E_INTERNAL', 'the store build is already finished');
  }

  private attachPrevious(): void {
    if (this.previous.size === 0) return;
    // Only ever read from. (better-sqlite3 does not take URI file names here, so no `?mode=ro`.)
    this.db.prepare('ATTACH DATABASE ? AS old').run(this.target);
    // Hold no lock on the live file beyond each read: an in-place touch of it by another process must not block.
    this.db.pragma('old.locking_mode = NORMAL');
  }

  private isAttached(): boolean {
    return (this.db.pragma('database_list') as { name: string }[]).some((d) => d.name === 'old');
  }

  private copyCarriedRows(): void {
    if (this.carried.size === 0 || !this.isAttached()) return;
    const copies = FEED_TABLES.map((table) =>
      this.db.prepare(
        table === 'affected' || table === 'advisories'
          ? `INSERT INTO main.${table} SELECT * FROM old.${table} WHERE feed = ?`
          : // kev/epss/eol are keyed by CVE or product+cycle: freshly loaded rows win over carried ones.
            // eol keeps the feed's cycle order in its rowid.
            `INSERT OR IGNORE INTO main.${table} SELECT * FROM old.${table} WHERE feed = ?${table === 'eol' ? ' ORDER BY rowid' : ''}`,
      ),
    );
    for (const name of [...this.carried].sort()) {
      this.db.transaction(() => {
        for (const copy of copies) copy.run(name);
      })();
    }
  }

  private deleteFeedRows(name: string): void {
    this.db.transaction(() => {
      for (const table of FEED_TABLES) this.db.prepare(`DELETE FROM main.${table} WHERE feed = ?`).run(name);
    })();
  }

  private statements() {
    return {
      advisory: this.db.prepare('INSERT INTO advisories (feed, id, kind, json) VALUES (?, ?, ?, ?)'),
      affected: this.db.prepare('INSERT INTO affected (ecosystem, name_key, feed, advisory_id, json) VALUES (?, ?, ?, ?, ?)'),
      kev: this.db.prepare('INSERT OR REPLACE INTO kev (cve, feed, json) VALUES (?, ?, ?)'),
      epss: this.db.prepare('INSERT OR REPLACE INTO epss (cve, feed, score, percentile, date) VALUES (?, ?, ?, ?, ?)'),
      eol: this.db.prepare('INSERT OR REPLACE INTO eol (product, cycle, feed, json) VALUES (?, ?, ?, ?)'),
    };
  }
}

/**
 * The old file's feeds, or why it cannot be used (a missing file is no problem, just nothing to carry). `foreign`:
 * the file is something else entirely (not SQLite, or SQLite without grout's application id), never to be replaced.
 */
function readPrevious(target: string): { feeds: Map<string, FeedStatus>; problem?: string; foreign: boolean } {
  let size: number;
  try {
    size = statSync(target).size;
  } catch {
    return { feeds: new Map(), foreign: false };
  }
  if (size === 0) return { feeds: new Map(), problem: 'the previous database file is empty', foreign: false };
  let db: Database.Database | undefined;
  try {
    db = new Database(target, { readonly: true, fileMustExist: true });
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) return { feeds: new Map(), problem: 'not a grout database', foreign: true };
    checkIdentity(db, target);
    return { feeds: new Map(readMetadata(db).feeds.map((f) => [f.name, f])), foreign: false };
  } catch (cause) {
    // SQLITE_NOTADB: not SQLite at all. Anything else (another schema version, damage) is ours to rebuild.
    return { feeds: new Map(), problem: errorMessage(cause), foreign: (cause as { code?: string }).code === 'SQLITE_NOTADB' };
  } finally {
    db?.close();
  }
}

/**
 * Every feed was unchanged: instead of rebuilding an identical file, mark the live one as confirmed current now
 * (`built_at`, which staleness is measured from) and clear the checked feeds' old errors. One small SQLite transaction: atomic.
 */
export function markDatabaseChecked(target: string, at: Date, checkedFeeds: readonly string[]): StoreMetadata {
  const db = new Database(target, { fileMustExist: true });
  try {
    checkIdentity(db, target);
    db.transaction(() => {
      db.prepare("UPDATE meta SET value = ? WHERE key = 'built_at'").run(at.toISOString());
      const clear = db.prepare('UPDATE feeds SET last_error = NULL WHERE name = ?');
      for (const name of checkedFeeds) clear.run(name);
    })();
    return readMetadata(db);
  } finally {
    db.close();
  }
}

function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic, only its durability is weaker.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof GroutError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
