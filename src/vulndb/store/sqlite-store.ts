/**
 * The SQLite advisory store, read side. Opened read-only: the builder writes a new file and renames it over the
 * old one, so an open store keeps reading a consistent snapshot for as long as it lives.
 *
 * @example
 * const store = openAdvisoryStore('/home/me/.cache/grout/db/grout.db');
 * for (const { advisory, affected } of store.affecting('npm', 'lodash')) console.log(advisory.id, affected.ranges);
 * store.close();
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { GroutError } from '../../core/errors.js';
import type { Advisory, AffectedPackage, EolCycle, EpssScore, KevEntry } from '../advisory.js';
import { normalizePackageName } from '../package-name.js';
import type { AdvisoryStore, AffectedRow, StoreMetadata } from '../store.js';
import { APPLICATION_ID, feedStatusFromRow, SCHEMA_VERSION, type FeedRow } from './schema.js';

/** The hint every "no database" error carries: the two ways to get one. */
export const DB_MISSING_HINT = 'run `grout db update` to download one, or `grout db import <dir|zip|file>` to build one offline';

/** Parsed advisories kept per store; past this many the cache starts over (a scan touches far fewer). */
const ADVISORY_CACHE_LIMIT = 100_000;
/** Package names whose parsed affected rows are kept. */
const ROWS_CACHE_LIMIT = 5_000;
/** CVE ids whose KEV / EPSS answers are kept. */
const LOOKUP_CACHE_LIMIT = 50_000;

/** `[feed, advisory_id, affected json]`, read in raw (array) mode: the hot path of matching. */
type AffectedTuple = [string, string, string];

/** Open the database at `path` read-only. Missing → `E_DB_MISSING`; not a grout database of this schema → `E_DB_FORMAT`. */
export function openAdvisoryStore(path: string): AdvisoryStore {
  if (!existsSync(path)) {
    throw new GroutError('E_DB_MISSING', `no vulnerability database at ${path}`, { hint: DB_MISSING_HINT, file: path });
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw notGroutDb(path, cause);
  }
  try {
    checkIdentity(db, path);
    db.pragma('mmap_size = 268435456');
    db.pragma('cache_size = -32768');
    return new SqliteAdvisoryStore(db, path);
  } catch (err) {
    db.close();
    throw err instanceof GroutError ? err : notGroutDb(path, err);
  }
}

/** Throws E_DB_FORMAT unless `db` is a grout database of exactly this schema version. */
export function checkIdentity(db: Database.Database, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== APPLICATION_ID) {
    const size = statSync(path).size;
    throw new GroutError('E_DB_FORMAT', `${path} is not a grout vulnerability database${size === 0 ? ' (the file is empty)' : ''}`, {
      hint: `remove it or point --db elsewhere, then ${DB_MISSING_HINT}`,
      file: path,
    });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    throw new GroutError('E_DB_FORMAT', `${path} has database schema version ${version}; this grout reads version ${SCHEMA_VERSION}`, {
      hint: version > SCHEMA_VERSION ? 'upgrade grout, or rebuild the database with this version: grout db update' : 'rebuild it: grout db update (or grout db import <dir|zip|file> offline)',
      file: path,
    });
  }
}

function notGroutDb(path: string, cause: unknown): GroutError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new GroutError('E_DB_FORMAT', `${path} is not a readable grout vulnerability database: ${reason}`, {
    hint: `remove it or point --db elsewhere, then ${DB_MISSING_HINT}`,
    file: path,
    cause,
  });
}

class SqliteAdvisoryStore implements AdvisoryStore {
  private readonly advisoryCache = new Map<string, Advisory>();
  private readonly rowsCache = new Map<string, AffectedRow[]>();
  /** Every finding asks for the KEV entry and EPSS score of each of its CVE ids; most ids repeat. */
  private readonly kevCache = new Map<string, KevEntry | null>();
  private readonly epssCache = new Map<string, EpssScore | null>();
  private ecosystemList: string[] | undefined;
  private meta: StoreMetadata | undefined;
  private readonly byPackage: Database.Statement<[string, string], AffectedTuple>;
  private readonly byKey: Database.Statement<[string, string], string>;
  private readonly byId: Database.Statement<[string], { feed: string; json: string }>;
  private readonly kevByCve: Database.Statement<[string], { json: string }>;
  private readonly epssByCve: Database.Statement<[string], { cve: string; score: number; percentile: number; date: string | null }>;
  private readonly eolByProduct: Database.Statement<[string], { json: string }>;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    // One indexed query for the package's affected entries; an advisory's JSON is read (by primary key) and
    // parsed only the first time this store meets it, so repeated and shared advisories cost one Map lookup.
    this.byPackage = db.prepare<[string, string], AffectedTuple>('SELECT feed, advisory_id, json FROM affected WHERE ecosystem = ? AND name_key = ?').raw();
    this.byKey = db.prepare<[string, string], string>('SELECT json FROM advisories WHERE feed = ? AND id = ?').pluck();
    this.byId = db.prepare('SELECT feed, json FROM advisories WHERE id = ? ORDER BY feed LIMIT 1');
    this.kevByCve = db.prepare('SELECT json FROM kev WHERE cve = ?');
    this.epssByCve = db.prepare('SELECT cve, score, percentile, date FROM epss WHERE cve = ?');
    this.eolByProduct = db.prepare('SELECT json FROM eol WHERE product = ? ORDER BY rowid');
  }

  affecting(ecosystem: string, name: string): AffectedRow[] {
    // An image holds the same package name many times (nested npm copies, one jar per service): the parsed rows of
    // a name are kept, bounded, so each is read and parsed once. Callers get a fresh array of shared, unmodified rows.
    const key = `${ecosystem}\u0000${normalizePackageName(ecosystem, name)}`;
    const cached = this.rowsCache.get(key);
    if (cached !== undefined) return [...cached];
    const rows = this.readAffecting(ecosystem, name);
    if (this.rowsCache.size >= ROWS_CACHE_LIMIT) this.rowsCache.clear();
    this.rowsCache.set(key, rows);
    return [...rows];
  }

  private readAffecting(ecosystem: string, name: string): AffectedRow[] {
    const tuples = this.guard(() => this.byPackage.all(ecosystem, normalizePackageName(ecosystem, name)));
    if (tuples.length === 0) return [];
    // Deterministic order whatever the file's history: by feed, then advisory id, then feed order (stable sort).
    if (tuples.length > 1) tuples.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const result: AffectedRow[] = [];
    for (const [feed, id, affected] of tuples) {
      const advisory = this.cachedAdvisory(feed, id, undefined);
      if (advisory !== undefined) result.push({ advisory, affected: this.parse<AffectedPackage>(affected) });
    }
    return result;
  }

  ecosystems(): string[] {
    this.ecosystemList ??= this.guard(() =>
      this.db
        .prepare('SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem')
        .pluck()
        .all() as string[],
    );
    return [...this.ecosystemList];
  }

  advisory(id: string): Advisory | undefined {
    const row = this.guard(() => this.byId.get(id));
    return row === undefined ? undefined : this.cachedAdvisory(row.feed, id, row.json);
  }

  kev(cve: string): KevEntry | undefined {
    return remember(this.kevCache, cve, () => {
      const row = this.guard(() => this.kevByCve.get(cve));
      return row === undefined ? undefined : this.parse<KevEntry>(row.json);
    });
  }

  epss(cve: string): EpssScore | undefined {
    return remember(this.epssCache, cve, () => {
      const row = this.guard(() => this.epssByCve.get(cve));
      if (row === undefined) return undefined;
      return { cve: row.cve, score: row.score, percentile: row.percentile, ...(row.date === null ? {} : { date: row.date }) };
    });
  }

  eol(product: string): EolCycle[] {
    return this.guard(() => this.eolByProduct.all(product)).map((row) => this.parse<EolCycle>(row.json));
  }

  metadata(): StoreMetadata {
    this.meta ??= this.guard(() => readMetadata(this.db));
    return { ...this.meta, feeds: this.meta.feeds.map((f) => ({ ...f, skippedExamples: [...f.skippedExamples] })) };
  }

  close(): void {
    this.advisoryCache.clear();
    this.rowsCache.clear();
    this.kevCache.clear();
    this.epssCache.clear();
    if (this.db.open) this.db.close();
  }

  /** The parsed advisory, from the cache, from `json` when the caller already has it, or read by primary key. */
  private cachedAdvisory(feed: string, id: string, json: string | undefined): Advisory | undefined {
    const key = `${feed}\u0000${id}`;
    let advisory = this.advisoryCache.get(key);
    if (advisory === undefined) {
      const text = json ?? this.guard(() => this.byKey.get(feed, id));
      if (text === undefined) return undefined;
      advisory = this.parse<Advisory>(text);
      if (this.advisoryCache.size >= ADVISORY_CACHE_LIMIT) this.advisoryCache.clear();
      this.advisoryCache.set(key, advisory);
    }
    return advisory;
  }

  private parse<T>(json: string): T {
    try {
      return JSON.parse(json) as T;
    } catch (cause) {
      throw new GroutError('E_DB_FORMAT', `${this.path} holds a damaged record: ${(cause as Error).message}`, { file: this.path, cause, hint: 'rebuild it: grout db update' });
    }
  }

  /** A database damaged after it was opened surfaces as E_DB_FORMAT naming the file, not as a raw SqliteError. */
  private guard<T>(query: () => T): T {
    try {
      return query();
    } catch (cause) {
      if (cause instanceof GroutError) throw cause;
      throw notGroutDb(this.path, cause);
    }
  }
}

/** A bounded memo: the answer for `key`, computed once (absence remembered too); dropped whole when full. */
function remember<T>(cache: Map<string, T | null>, key: string, compute: () => T | undefined): T | undefined {
  const hit = cache.get(key);
  if (hit !== undefined) return hit === null ? undefined : hit;
  const value = compute();
  if (cache.size >= LOOKUP_CACHE_LIMIT) cache.clear();
  cache.set(key, value === undefined ? null : value);
  return value;
}

/** Schema version, build time and per-feed status of an open grout database. */
export function readMetadata(db: Database.Database): StoreMetadata {
  const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  const feeds = (db.prepare('SELECT * FROM feeds ORDER BY name').all() as FeedRow[]).map(feedStatusFromRow);
  return { schemaVersion: Number(meta.get('schema_version') ?? 0), builtAt: meta.get('built_at') ?? '', feeds };
}
