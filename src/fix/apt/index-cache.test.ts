import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { indexCacheDir, MAX_CACHED_INDEXES, readCachedIndex, storeCachedIndex } from './index-cache.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'grout-index-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('index cache', () => {
  it('lives under the grout cache root', () => {
    expect(indexCacheDir({ GROUT_CACHE_DIR: '/c' })).toBe('/c/apt-indexes/sha256');
  });

  it('returns stored bytes only while they hash to the key', async () => {
    const dir = join(tempDir(), 'sha256');
    const body = Buffer.from('Package: a\nVersion: 1\n');
    const key = { size: body.length, sha256: sha(body) };
    expect(await readCachedIndex(dir, key)).toBeUndefined(); // no directory yet: a miss
    await storeCachedIndex(dir, key.sha256, body);
    expect(await readCachedIndex(dir, key)).toEqual(body);
    expect(await readCachedIndex(dir, { ...key, sha256: key.sha256.toUpperCase() })).toEqual(body);

    // Same size, other bytes: a miss, and the bad file is gone.
    writeFileSync(join(dir, key.sha256), Buffer.from('Package: b\nVersion: 1\n'));
    expect(await readCachedIndex(dir, key)).toBeUndefined();
    expect(existsSync(join(dir, key.sha256))).toBe(false);

    // Another size: a miss too.
    writeFileSync(join(dir, key.sha256), Buffer.concat([body, Buffer.from('x')]));
    expect(await readCachedIndex(dir, key)).toBeUndefined();
  });

  it('ignores keys that are not sha256 hex (no path tricks)', async () => {
    const dir = tempDir();
    await storeCachedIndex(dir, '../escape', Buffer.from('x'));
    expect(readdirSync(dir)).toEqual([]);
    expect(await readCachedIndex(dir, { size: 1, sha256: '../escape' })).toBeUndefined();
  });

  it('never throws when the cache cannot be written', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    await expect(storeCachedIndex(join(file, 'sha256'), 'a'.repeat(64), Buffer.from('x'))).resolves.toBeUndefined();
  });

  it(`keeps the ${MAX_CACHED_INDEXES} most recently used files`, async () => {
    const dir = tempDir();
    const bodies = Array.from({ length: MAX_CACHED_INDEXES + 2 }, (_, i) => Buffer.from(`index ${i}`));
    for (const [i, b] of bodies.entries()) {
      await storeCachedIndex(dir, sha(b), b);
      const t = new Date(Date.UTC(2026, 0, 1, 0, i));
      utimesSync(join(dir, sha(b)), t, t);
    }
    const names = readdirSync(dir);
    expect(names).toHaveLength(MAX_CACHED_INDEXES);
    expect(names).not.toContain(sha(bodies[0]!));
    expect(names).not.toContain(sha(bodies[1]!));
    expect(names).toContain(sha(bodies.at(-1)!));
  });
});
