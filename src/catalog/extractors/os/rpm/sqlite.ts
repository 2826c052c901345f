import type Database from 'better-sqlite3';
import { lazyModule } from '../../../../core/lazy-module.js';
import { DbFormatError, type DbReadResult, type HeaderRecord } from './db-read.js';

const sqlite = lazyModule<typeof Database>('better-sqlite3');

/**
 * Reads the header blobs out of rpm's `rpmdb.sqlite` (rpm >= 4.16): table `Packages(hnum INTEGER PRIMARY KEY,
 * blob BLOB)`, see rpm's `lib/backend/sqlite.c`. The bytes are opened in memory (SQLite deserialize), read-only.
 *
 * rpm leaves the file in WAL mode (header bytes 18 and 19 = 2); an in-memory database cannot use WAL, so a copy
 * with those bytes set to 1 (rollback journal) is opened. A `-wal` file beside the database is not applied.
 */

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Read every header blob of an rpm SQLite database. Never throws on bad bytes. */
export function readSqlite(bytes: Buffer): DbReadResult {
  try {
    return readOrThrow(bytes);
  } catch (error) {
    if (error instanceof DbFormatError) return { ok: false, reason: error.message };
    if (isSqliteError(error)) return { ok: false, reason: `SQLite could not read the database: ${error.message}` };
    throw error;
  }
}

function isSqliteError(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'SqliteError' || error instanceof sqlite().SqliteError);
}

function readOrThrow(bytes: Buffer): DbReadResult {
  if (bytes.length < 100 || !bytes.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new DbFormatError('not an SQLite database (bad magic)');
  }
  const image = Buffer.from(bytes);
  if (image[18] === 2) image[18] = 1;
  if (image[19] === 2) image[19] = 1;
  const db = new (sqlite())(image, { readonly: true });
  try {
    // A hostile file could make `Packages` a view over an endless recursive query, or a virtual table: only a
    // plain table is read.
    db.pragma('trusted_schema = OFF');
    db.pragma('cell_size_check = ON');
    const schema = db
      .prepare("SELECT type, sql FROM sqlite_schema WHERE name = 'Packages' COLLATE NOCASE")
      .get() as { type: unknown; sql: unknown } | undefined;
    if (schema?.type !== 'table' || typeof schema.sql !== 'string' || /^\s*CREATE\s+VIRTUAL/i.test(schema.sql)) {
      throw new DbFormatError('SQLite database has no Packages table; it is not an rpm database');
    }
    const problems: string[] = [];
    const records: HeaderRecord[] = [];
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').raw().iterate() as IterableIterator<unknown[]>;
    try {
      for (const [hnum, blob] of rows) {
        if (typeof hnum !== 'number' || !Number.isSafeInteger(hnum)) {
          problems.push(`Packages row with hnum ${String(hnum)} is not an integer; row skipped`);
          continue;
        }
        if (!Buffer.isBuffer(blob)) {
          problems.push(`Packages row ${hnum} holds no blob; row skipped`);
          continue;
        }
        records.push({ instance: hnum, blob });
      }
    } catch (error) {
      // A damaged file can fail half-way (e.g. truncated pages): keep the rows read so far.
      if (!isSqliteError(error)) throw error;
      problems.push(`SQLite stopped reading Packages after ${records.length} rows: ${error.message}`);
    }
    return { ok: true, records, problems };
  } finally {
    db.close();
  }
}
