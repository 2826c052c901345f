import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { readBdb } from './bdb.js';
import type { DbReadResult } from './db-read.js';
import { parseHeader } from './header.js';
import { RpmTag } from './tags.js';

const fixture = (name: string): Buffer => readFileSync(peerFixtures('os-pkgdb', 'rpm', name, 'var/lib/rpm/Packages'));

function ok(result: DbReadResult): Extract<DbReadResult, { ok: true }> {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

const PAGE = 4096;
const pageType = (db: Buffer, pgno: number): number | undefined => db[pgno * PAGE + 25];
const pagesOfType = (db: Buffer, type: number): number[] =>
  Array.from({ length: db.length / PAGE }, (_, p) => p).filter((p) => pageType(db, p) === type);

describe('readBdb', () => {
  it.each([
    ['go-rpmdb-libuuid', 1, 'libuuid'],
    ['syft-Packages', 1, 'dive'],
    ['scalibr-Packages_epoch', 4, 'hello'],
  ])('reads %s', (name, instance, pkg) => {
    const result = ok(readBdb(fixture(name)));
    expect(result.problems).toEqual([]);
    expect(result.records.map((r) => r.instance)).toEqual([instance]);
    const header = parseHeader(result.records[0]?.blob ?? Buffer.alloc(0));
    expect(header.ok && header.header.string(RpmTag.NAME)).toBe(pkg);
  });

  it('reads a big-endian database (written by libdb with db_lorder=4321, 512-byte pages)', () => {
    // testdata/bdb-big-endian-512/Packages: the headers of the alpha, beta and gamma packages that
    // rpm-real-db.test.ts builds, loaded with `db5.3_load -c db_lorder=4321 -c db_pagesize=512`.
    const db = readFileSync(new URL('./testdata/bdb-big-endian-512/Packages', import.meta.url));
    expect(db.readUInt32BE(12)).toBe(0x061561);
    expect(db.readUInt32BE(20)).toBe(512);
    const result = ok(readBdb(db));
    expect(result.problems).toEqual([]);
    const names = result.records.map((r) => {
      const h = parseHeader(r.blob);
      return h.ok ? `${r.instance} ${h.header.string(RpmTag.NAME)} ${h.header.strings(RpmTag.BASENAMES)?.length}` : h.reason;
    });
    expect(names.sort()).toEqual(['1 beta 1', '2 alpha 3', '3 gamma 4']);
  });

  it('follows overflow chains across several pages', () => {
    const db = fixture('go-rpmdb-libuuid');
    expect(pagesOfType(db, 7).length).toBeGreaterThan(10);
    expect(ok(readBdb(db)).records[0]?.blob.length).toBe(80880);
  });

  describe('hostile files are issues, never exceptions or hangs', () => {
    it.each<[string, Buffer, RegExp]>([
      ['empty', Buffer.alloc(0), /shorter than a metadata page/],
      ['random bytes', Buffer.alloc(8192, 0x5a), /bad magic/],
      ['a btree', (() => { const b = Buffer.alloc(4096); b.writeUInt32LE(0x053162, 12); return b; })(), /btree/],
      ['an SQLite file', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096)]), /bad magic/],
      ['page size 3000', (() => { const b = Buffer.from(fixture('syft-Packages')); b.writeUInt32LE(3000, 20); return b; })(), /page size 3000/],
      ['page size 0', (() => { const b = Buffer.from(fixture('syft-Packages')); b.writeUInt32LE(0, 20); return b; })(), /page size 0/],
      ['encrypted', (() => { const b = Buffer.from(fixture('syft-Packages')); b[24] = 1; return b; })(), /encrypted/],
      ['metadata page of the wrong type', (() => { const b = Buffer.from(fixture('syft-Packages')); b[25] = 9; return b; })(), /type 9/],
    ])('%s', (_name, bytes, want) => {
      const result = readBdb(bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(want);
    });

    it('an overflow chain that loops back on itself', () => {
      const db = Buffer.from(fixture('go-rpmdb-libuuid'));
      const overflow = pagesOfType(db, 7);
      const last = overflow.find((p) => db.readUInt32LE(p * PAGE + 16) === 0);
      expect(last).toBeDefined();
      // Point the last page back to the first overflow page: without loop detection this never ends.
      db.writeUInt32LE(overflow[0] ?? 0, (last ?? 0) * PAGE + 16);
      const result = ok(readBdb(db));
      expect(result.records).toEqual([]);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/header instance 1 \(hash page \d+\): overflow (page \d+ is reached twice|chain holds more)/);
    });

    it('an overflow page that points to itself', () => {
      const db = Buffer.from(fixture('go-rpmdb-libuuid'));
      const first = pagesOfType(db, 7)[0] ?? 0;
      db.writeUInt32LE(first, first * PAGE + 16);
      expect(ok(readBdb(db)).problems[0]).toMatch(/reached twice/);
    });

    it('a truncated file', () => {
      const db = fixture('go-rpmdb-libuuid');
      const result = ok(readBdb(db.subarray(0, 6 * PAGE + 100)));
      expect(result.records).toEqual([]);
      expect(result.problems[0]).toMatch(/truncated: the metadata says 23 pages of 4096 bytes, the file holds 6/);
      expect(result.problems.slice(1).join('\n')).toMatch(/past the last page|more than the whole file/);
    });

    it('a last page number far past the file', () => {
      const db = Buffer.from(fixture('syft-Packages'));
      db.writeUInt32LE(0xffffffff, 32);
      const result = ok(readBdb(db));
      expect(result.records).toHaveLength(1);
      expect(result.problems[0]).toMatch(/truncated/);
    });

    it('an overflow item longer than the file', () => {
      const db = Buffer.from(fixture('syft-Packages'));
      // The hash page whose first data item is an H_OFFPAGE reference (another holds rpm's key-0 counter).
      const hashPage = pagesOfType(db, 13).find((p) => db[p * PAGE + db.readUInt16LE(p * PAGE + 28)] === 3) ?? 0;
      const dataOffset = db.readUInt16LE(hashPage * PAGE + 26 + 2);
      db.writeUInt32LE(0x7fffffff, hashPage * PAGE + dataOffset + 8);
      expect(ok(readBdb(db)).problems[0]).toMatch(/claims 2147483647 bytes, more than the whole file/);
    });

    it('a hash page with item offsets outside the page', () => {
      const db = Buffer.from(fixture('syft-Packages'));
      const hashPage = pagesOfType(db, 13)[0] ?? 0;
      db.writeUInt16LE(2, hashPage * PAGE + 26);
      expect(ok(readBdb(db)).problems[0]).toMatch(/offsets outside the page/);
    });

    it('a hash page with an odd or huge item count', () => {
      const db = Buffer.from(fixture('syft-Packages'));
      const hashPage = pagesOfType(db, 13)[0] ?? 0;
      db.writeUInt16LE(0xffff, hashPage * PAGE + 20);
      expect(ok(readBdb(db)).problems[0]).toMatch(/bad item count 65535/);
    });

    it('survives random corruption of a real file', () => {
      const good = fixture('go-rpmdb-libuuid');
      let seed = 7;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let round = 0; round < 300; round++) {
        const db = Buffer.from(good);
        for (let i = 0; i < 8; i++) db[random(db.length)] = random(256);
        // Hit the page headers and item offsets harder: that is where the structure lives.
        for (let i = 0; i < 4; i++) db[random(db.length / PAGE) * PAGE + 8 + random(24)] = random(256);
        const result = readBdb(db);
        if (result.ok) for (const r of result.records) parseHeader(r.blob);
      }
    });
  });
});
