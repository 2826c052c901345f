import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import type { DbReadResult } from './db-read.js';
import { parseHeader } from './header.js';
import { readSqlite } from './sqlite.js';
import { RpmTag } from './tags.js';
import { buildSqliteDb } from './testdata/build-sqlite-db.js';

const mariner = (): Buffer =>
  readFileSync(peerFixtures('os-pkgdb', 'rpm', 'go-rpmdb-cbl-mariner-2.0', 'var/lib/rpm/rpmdb.sqlite'));

function ok(result: DbReadResult): Extract<DbReadResult, { ok: true }> {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

function sqliteImage(sql: string): Buffer {
  const db = new Database(':memory:');
  try {
    db.exec(sql);
    return db.serialize();
  } finally {
    db.close();
  }
}

describe('readSqlite', () => {
  it('reads the 129 headers of a WAL-mode rpmdb.sqlite, in hnum order, without changing the input', () => {
    const bytes = mariner();
    expect([bytes[18], bytes[19]]).toEqual([2, 2]);
    const result = ok(readSqlite(bytes));
    expect(result.problems).toEqual([]);
    expect(result.records).toHaveLength(129);
    const instances = result.records.map((r) => r.instance);
    expect(instances).toEqual([...instances].sort((a, b) => a - b));
    const first = parseHeader(result.records[0]?.blob ?? Buffer.alloc(0));
    expect(first.ok && first.header.string(RpmTag.NAME)).toBe('mariner-release');
    expect([bytes[18], bytes[19]]).toEqual([2, 2]);
  });

  describe('hostile files are issues, never exceptions or hangs', () => {
    it.each<[string, Buffer, RegExp]>([
      ['empty', Buffer.alloc(0), /not an SQLite database/],
      ['text named rpmdb.sqlite', Buffer.from('this is not a database\n'.repeat(20)), /not an SQLite database/],
      ['a Berkeley DB file', readFileSync(peerFixtures('os-pkgdb', 'rpm', 'syft-Packages', 'var/lib/rpm/Packages')), /not an SQLite database/],
      ['an SQLite magic and garbage', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080, 0xee)]), /SQLite could not read/],
      ['no Packages table', sqliteImage('CREATE TABLE other (x)'), /no Packages table/],
      [
        'Packages as an endless view',
        sqliteImage(
          'CREATE VIEW Packages AS WITH RECURSIVE n(hnum) AS (SELECT 1 UNION ALL SELECT hnum + 1 FROM n) SELECT hnum, x\'00\' AS blob FROM n',
        ),
        /no Packages table/,
      ],
      ['Packages as a virtual table', sqliteImage('CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob)'), /no Packages table/],
    ])('%s', (_name, bytes, want) => {
      const result = readSqlite(bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(want);
    });

    it('rows without a blob are skipped with a reason', () => {
      const bytes = sqliteImage(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES (1, 'text'), (2, NULL), (3, x'0102')",
      );
      const result = ok(readSqlite(bytes));
      expect(result.records).toEqual([{ instance: 3, blob: Buffer.from([1, 2]) }]);
      expect(result.problems).toEqual(['Packages row 1 holds no blob; row skipped', 'Packages row 2 holds no blob; row skipped']);
    });

    it('a truncated file gives what could be read, or a reason', () => {
      const bytes = mariner();
      for (const size of [100, 4096, 65536, bytes.length / 2]) {
        const result = readSqlite(bytes.subarray(0, size));
        if (result.ok) expect(result.records.length + result.problems.length).toBeGreaterThan(0);
        else expect(result.reason).toMatch(/SQLite could not read|no Packages table/);
      }
    });

    it('reads a database written in rollback-journal mode too', () => {
      const result = ok(readSqlite(buildSqliteDb([Buffer.from([1]), Buffer.from([2])])));
      expect(result.records.map((r) => r.instance)).toEqual([1, 2]);
    });
  });
});
