import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import type { DbReadResult } from './db-read.js';
import { parseHeader } from './header.js';
import { adler32, readNdb } from './ndb.js';
import { RpmTag } from './tags.js';

const sle15 = (): Buffer =>
  Buffer.from(readFileSync(peerFixtures('os-pkgdb', 'rpm', 'go-rpmdb-sle15-bci', 'usr/lib/sysimage/rpm/Packages.db')));

function ok(result: DbReadResult): Extract<DbReadResult, { ok: true }> {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** Byte position of the n-th used slot (0-based) in page 0. */
function slotAt(db: Buffer, n: number): number {
  let seen = 0;
  for (let at = 32; at < 4096; at += 16) {
    if (db.readUInt32LE(at + 8) === 0) continue;
    if (seen++ === n) return at;
  }
  throw new Error('no such slot');
}

describe('adler32', () => {
  it.each([
    ['', 1],
    ['a', 0x00620062],
    ['Wikipedia', 0x11e60398],
    ['x'.repeat(100_000), adlerReference('x'.repeat(100_000))],
  ])('%#', (text, want) => {
    expect(adler32(Buffer.from(text))).toBe(want);
  });
});

/** The textbook definition, one modulo per byte, to check the batched version against. */
function adlerReference(text: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(text)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

describe('readNdb', () => {
  it('reads all 35 headers of the SLE 15 BCI database', () => {
    const result = ok(readNdb(sle15()));
    expect(result.problems).toEqual([]);
    expect(result.records).toHaveLength(35);
    const names = result.records.map((r) => {
      const h = parseHeader(r.blob);
      return h.ok ? h.header.string(RpmTag.NAME) : h.reason;
    });
    expect(names.slice(0, 3)).toEqual(['system-user-root', 'filesystem', 'glibc']);
  });

  describe('hostile files are issues, never exceptions or hangs', () => {
    it.each<[string, Buffer, RegExp]>([
      ['empty', Buffer.alloc(0), /bad magic/],
      ['a BDB file', Buffer.from([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x15, 6, 0, ...new Array<number>(100).fill(0)]), /bad magic/],
      ['version 1', (() => { const b = sle15(); b.writeUInt32LE(1, 4); return b; })(), /version 1 is not supported/],
      ['slot pages 0', (() => { const b = sle15(); b.writeUInt32LE(0, 12); return b; })(), /slot page count 0/],
      ['slot pages 2^31', (() => { const b = sle15(); b.writeUInt32LE(0x80000000, 12); return b; })(), /slot page count 2147483648 does not fit/],
      ['only the header', sle15().subarray(0, 32), /slot page count 1 does not fit a 32-byte file/],
    ])('%s', (_name, bytes, want) => {
      const result = readNdb(bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(want);
    });

    it('a blob whose bytes were changed fails its checksum; the others still read', () => {
      const db = sle15();
      const slot = slotAt(db, 3);
      const at = db.readUInt32LE(slot + 8) * 16 + 100;
      db[at] = (db[at] ?? 0) ^ 0xff;
      const result = ok(readNdb(db));
      expect(result.records).toHaveLength(34);
      expect(result.problems).toEqual([expect.stringMatching(/^NDB package \d+ \(slot at byte \d+\): blob checksum \(adler32\) does not match$/)]);
    });

    it('a slot pointing past the end of the file', () => {
      const db = sle15();
      db.writeUInt32LE(0x7fffffff, slotAt(db, 0) + 8);
      const result = ok(readNdb(db));
      expect(result.records).toHaveLength(34);
      expect(result.problems[0]).toMatch(/outside the blob area/);
    });

    it('a slot pointing into the slot pages', () => {
      const db = sle15();
      db.writeUInt32LE(2, slotAt(db, 0) + 8);
      expect(ok(readNdb(db)).problems[0]).toMatch(/outside the blob area/);
    });

    it('a blob length that disagrees with the slot', () => {
      const db = sle15();
      const slot = slotAt(db, 1);
      db.writeUInt32LE(0xffffff00, db.readUInt32LE(slot + 8) * 16 + 12);
      expect(ok(readNdb(db)).problems[0]).toMatch(/blob length 4294967040 needs \d+ blocks/);
    });

    it('two slots for one blob: the second is reported', () => {
      const db = sle15();
      const a = slotAt(db, 0);
      const b = slotAt(db, 1);
      db.copy(db, b, a, a + 16);
      const result = ok(readNdb(db));
      expect(result.records).toHaveLength(34);
      expect(result.problems[0]).toMatch(/appears twice/);
    });

    it('a damaged slot magic stops the slot walk with one issue', () => {
      const db = sle15();
      db.write('XXXX', slotAt(db, 5), 'latin1');
      const result = ok(readNdb(db));
      expect(result.records).toHaveLength(5);
      expect(result.problems).toEqual([expect.stringMatching(/bad magic; the remaining slots are not read/)]);
    });

    it('a truncated file', () => {
      const db = sle15();
      const result = ok(readNdb(db.subarray(0, Math.floor(db.length / 2))));
      expect(result.records.length).toBeLessThan(35);
      expect(result.problems.length).toBe(35 - result.records.length);
    });
  });
});
