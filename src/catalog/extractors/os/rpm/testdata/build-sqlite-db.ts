import Database from 'better-sqlite3';

/** An rpm-style `rpmdb.sqlite` image holding `blobs` as hnum 1, 2, …, for tests. */
export function buildSqliteDb(blobs: readonly Buffer[]): Buffer {
  const db = new Database(':memory:');
  try {
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    for (const blob of blobs) insert.run(blob);
    return db.serialize();
  } finally {
    db.close();
  }
}
