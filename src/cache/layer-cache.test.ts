import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { cleanLayerCache, LayerCache, layerCacheDir, layerCacheStatus, listLayerCache, pruneLayerCache } from './layer-cache.js';

const work = mkdtempSync(join(tmpdir(), 'grout-layer-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function freshRoot(): string {
  const root = join(work, `root-${n++}`);
  mkdirSync(root);
  return root;
}

const diffId = (c: string): string => `sha256:${c.repeat(64)}`;
const KEY = '0123456789abcdef0123456789abcdef';

function entryFile(root: string, id: string, key = KEY): string {
  return join(layerCacheDir(root), id.slice(7), `${key}.gz`);
}

describe('LayerCache', () => {
  it('stores a payload under <root>/layers/<diffId hex>/<key>.gz and gives it back', async () => {
    const root = freshRoot();
    const cache = new LayerCache({ root });
    expect(await cache.get(diffId('a'), KEY)).toBeUndefined();
    const payload = Buffer.from('x'.repeat(10_000));
    await cache.put(diffId('a'), KEY, payload);
    expect(existsSync(entryFile(root, diffId('a')))).toBe(true);
    expect(await cache.get(diffId('a'), KEY)).toEqual(payload);
    expect(await cache.get(diffId('a'), 'f'.repeat(32))).toBeUndefined();
    expect(await cache.get(diffId('b'), KEY)).toBeUndefined();
    // No temporary files are left behind.
    expect(readdirSync(join(layerCacheDir(root), 'a'.repeat(64)))).toEqual([`${KEY}.gz`]);
  });

  it('ignores names that are not a sha256 diffId and a hex key (never a path outside the cache)', async () => {
    const root = freshRoot();
    const cache = new LayerCache({ root });
    for (const [id, key] of [
      ['sha256:../../etc', KEY],
      [`sha512:${'a'.repeat(64)}`, KEY],
      [diffId('a'), '../x'],
      [diffId('a'), 'ABCDEF0123456789ABCDEF0123456789'],
    ] as const) {
      await cache.put(id, key, Buffer.from('x'));
      expect(await cache.get(id, key)).toBeUndefined();
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('reads a truncated, corrupt, foreign or empty entry as absent, and a later put replaces it', async () => {
    const root = freshRoot();
    const cache = new LayerCache({ root });
    const payload = Buffer.from(JSON.stringify({ hello: 'world'.repeat(1000) }));
    await cache.put(diffId('c'), KEY, payload);
    const file = entryFile(root, diffId('c'));
    const good = readFileSync(file);
    const damaged: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['truncated', good.subarray(0, good.length - 9)],
      ['half', good.subarray(0, good.length >> 1)],
      ['bit flip', Buffer.from(good.map((b, i) => (i === good.length >> 1 ? b ^ 0x10 : b)))],
      ['not gzip', Buffer.from('hello')],
      ['another entry', Buffer.concat([Buffer.from(`grout-layer-result 2\n${diffId('d')} ${KEY}\n`), gzipSync(payload)])],
      ['older format', Buffer.concat([Buffer.from(`grout-layer-result 1\n${diffId('c')} ${KEY}\n`), gzipSync(payload)])],
      ['header only', good.subarray(0, good.indexOf(0x1f))],
      ['no header', gzipSync(payload)],
    ];
    for (const [name, bytes] of damaged) {
      writeFileSync(file, bytes);
      expect(await cache.get(diffId('c'), KEY), name).toBeUndefined();
    }
    await cache.put(diffId('c'), KEY, payload);
    expect(await cache.get(diffId('c'), KEY)).toEqual(payload);
  });

  it('touches an entry on a hit, so pruning drops the least recently used first', async () => {
    const root = freshRoot();
    const cache = new LayerCache({ root });
    const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(''));
    for (const c of ['a', 'b', 'c', 'd']) await cache.put(diffId(c), KEY, payload);
    const old = new Date(Date.now() - 3_600_000);
    for (const [i, c] of ['a', 'b', 'c', 'd'].entries()) {
      const t = new Date(old.getTime() + i * 1000);
      utimesSync(entryFile(root, diffId(c)), t, t);
    }
    // a is the oldest write, but has just been used.
    expect(await cache.get(diffId('a'), KEY)).toEqual(payload);
    const sizes = (await listLayerCache(root)).entries.map((e) => e.bytes);
    const one = sizes[0]!;
    const result = await pruneLayerCache(one * 2, root);
    expect(result).toMatchObject({ removed: 2, freedBytes: one * 2, entries: 2, bytes: one * 2 });
    const left = ['a', 'b', 'c', 'd'].filter((c) => existsSync(entryFile(root, diffId(c))));
    expect(left).toEqual(['a', 'd']);
    // Emptied layer directories are removed.
    expect(readdirSync(layerCacheDir(root)).sort()).toEqual(['a'.repeat(64), 'd'.repeat(64)]);
  });

  it('reports status, removes stale temporary files when pruning, and cleans everything', async () => {
    const root = freshRoot();
    const cache = new LayerCache({ root });
    await cache.put(diffId('a'), KEY, Buffer.from('one'));
    await cache.put(diffId('a'), 'f'.repeat(32), Buffer.from('two'));
    await cache.put(diffId('b'), KEY, Buffer.from('three'));
    const status = await layerCacheStatus(root);
    expect(status).toMatchObject({ dir: layerCacheDir(root), entries: 3, layers: 2 });
    expect(status.bytes).toBeGreaterThan(0);
    const stale = `${entryFile(root, diffId('b'))}.tmp-1-dead`;
    const fresh = `${entryFile(root, diffId('b'), 'e'.repeat(32))}.tmp-2-live`;
    writeFileSync(stale, 'partial');
    writeFileSync(fresh, 'partial');
    const long = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, long, long);
    expect((await layerCacheStatus(root)).entries).toBe(3);
    await pruneLayerCache(Number.MAX_SAFE_INTEGER, root);
    expect(existsSync(stale)).toBe(false);
    // A temporary file that may still be being written is left alone.
    expect(existsSync(fresh)).toBe(true);
    expect(await cleanLayerCache(root)).toMatchObject({ removed: 3, entries: 0, bytes: 0 });
    expect(existsSync(layerCacheDir(root))).toBe(false);
    expect(await layerCacheStatus(root)).toMatchObject({ entries: 0, bytes: 0, layers: 0 });
  });

  it('keeps itself under maxBytes when a pass settles', async () => {
    const root = freshRoot();
    const cache = new LayerCache({ root, maxBytes: 3000 });
    const noise = (seed: number): Buffer => Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 2654435761 + seed * 97) % 251));
    for (const c of ['a', 'b', 'c', 'd', 'e']) await cache.put(diffId(c), KEY, noise(c.charCodeAt(0)));
    expect((await layerCacheStatus(root)).entries).toBe(5);
    await cache.settle();
    const status = await layerCacheStatus(root);
    expect(status.bytes).toBeLessThanOrEqual(3000);
    expect(status.entries).toBeGreaterThanOrEqual(1);
    // The newest entry survives.
    expect(await cache.get(diffId('e'), KEY)).toEqual(noise('e'.charCodeAt(0)));
  });

  it('is safe when several processes write and read the same entries at once', async () => {
    const root = freshRoot();
    const module = new URL('./layer-cache.ts', import.meta.url).pathname;
    const payload = (c: string): string => `${c}:`.padEnd(200_000, c);
    const script = `
      const { LayerCache } = await import(${JSON.stringify(module)});
      const cache = new LayerCache({ root: process.argv[1] });
      let bad = 0;
      for (let i = 0; i < 40; i++) {
        for (const c of ['a', 'b', 'c']) {
          const id = 'sha256:' + c.repeat(64);
          await cache.put(id, '${KEY}', Buffer.from((c + ':').padEnd(200000, c)));
          const got = await cache.get(id, '${KEY}');
          if (got !== undefined && got.toString() !== (c + ':').padEnd(200000, c)) bad++;
        }
      }
      process.stdout.write(String(bad));
    `;
    const run = promisify(execFile);
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, root], { cwd: process.cwd() })),
    );
    expect(outputs.map((o) => o.stdout)).toEqual(['0', '0', '0', '0']);
    const cache = new LayerCache({ root });
    for (const c of ['a', 'b', 'c']) expect((await cache.get(diffId(c), KEY))?.toString()).toBe(payload(c));
    expect((await listLayerCache(root)).entries).toHaveLength(3);
    for (const c of ['a', 'b', 'c']) expect(readdirSync(join(layerCacheDir(root), c.repeat(64)))).toEqual([`${KEY}.gz`]);
  }, 60_000);
});
