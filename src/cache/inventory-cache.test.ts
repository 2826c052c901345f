import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync as readFile, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanInventoryCache, InventoryCache, inventoryCacheDir, inventoryCacheStatus, pruneInventoryCache } from './inventory-cache.js';

const work = mkdtempSync(join(tmpdir(), 'grout-inventory-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function freshRoot(): string {
  const root = join(work, `root-${n++}`);
  mkdirSync(root);
  return root;
}

const key = (c: string): string => c.repeat(64);

describe('InventoryCache', () => {
  it('stores a payload under <root>/images/<key>.inv and gives it back', async () => {
    const root = freshRoot();
    const cache = new InventoryCache(root);
    expect(await cache.get(key('a'))).toBeUndefined();
    const payload = Buffer.from('{"x":1}'.repeat(1000));
    await cache.put(key('a'), payload);
    expect(readdirSync(inventoryCacheDir(root))).toEqual([`${key('a')}.inv`]);
    expect(await cache.get(key('a'))).toEqual(payload);
    expect(await cache.get(key('b'))).toBeUndefined();
  });

  it('ignores a key that is not 64 hex digits (never a path outside the cache)', async () => {
    const root = freshRoot();
    const cache = new InventoryCache(root);
    await cache.put('../../escape', Buffer.from('x'));
    await cache.put('ab', Buffer.from('x'));
    expect(existsSync(inventoryCacheDir(root))).toBe(false);
    expect(await cache.get('../../escape')).toBeUndefined();
  });

  it('reads a truncated, corrupt or foreign entry as absent, and a later put replaces it', async () => {
    const root = freshRoot();
    const cache = new InventoryCache(root);
    await cache.put(key('a'), Buffer.from('payload'));
    const file = join(inventoryCacheDir(root), `${key('a')}.inv`);
    writeFileSync(file, 'garbage');
    expect(await cache.get(key('a'))).toBeUndefined();
    // An entry filed under another key (copied by hand, say) names that key in its header.
    await cache.put(key('b'), Buffer.from('other'));
    writeFileSync(file, readFile(join(inventoryCacheDir(root), `${key('b')}.inv`)));
    expect(await cache.get(key('a'))).toBeUndefined();
    // Truncated: the length and CRC no longer match.
    await cache.put(key('a'), Buffer.from('payload'));
    writeFileSync(file, readFile(file).subarray(0, readFile(file).length - 4));
    expect(await cache.get(key('a'))).toBeUndefined();
    expect(await cache.get(key('b'))).toEqual(Buffer.from('other'));
    // One byte of the payload changed: the CRC no longer matches.
    await cache.put(key('a'), Buffer.from('payload'));
    const damaged = readFile(file);
    damaged[damaged.length - 1]! ^= 1;
    writeFileSync(file, damaged);
    expect(await cache.get(key('a'))).toBeUndefined();
    await cache.put(key('a'), Buffer.from('payload'));
    expect(await cache.get(key('a'))).toEqual(Buffer.from('payload'));
  });

  it('reports status, prunes least recently used first (a hit counts as a use) and cleans', async () => {
    const root = freshRoot();
    const cache = new InventoryCache(root);
    for (const c of ['a', 'b', 'c']) await cache.put(key(c), Buffer.from(c.repeat(5000)));
    const dir = inventoryCacheDir(root);
    const age = (c: string, seconds: number): void => {
      const t = new Date(Date.now() - seconds * 1000);
      utimesSync(join(dir, `${key(c)}.inv`), t, t);
    };
    age('a', 300);
    age('b', 200);
    age('c', 100);
    await cache.get(key('a'));
    // A temporary file left by a process that died mid-write long ago.
    const temp = join(dir, `${key('d')}.inv.tmp-1-0000`);
    writeFileSync(temp, 'x');
    utimesSync(temp, new Date(0), new Date(0));
    const status = await inventoryCacheStatus(root);
    expect(status).toMatchObject({ dir, entries: 3 });
    const one = status.bytes / 3;
    const pruned = await pruneInventoryCache(Math.ceil(one * 2), root);
    expect(pruned).toMatchObject({ removed: 1, entries: 2 });
    expect(existsSync(join(dir, `${key('b')}.inv`))).toBe(false);
    expect(existsSync(join(dir, `${key('a')}.inv`))).toBe(true);
    expect(existsSync(temp)).toBe(false);
    expect(await cleanInventoryCache(root)).toMatchObject({ removed: 2, entries: 0, bytes: 0 });
    expect(existsSync(dir)).toBe(false);
  });
});
