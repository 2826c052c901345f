import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBuild } from './build-cache.js';

let cache: string;
const saved = process.env['GROUT_TEST_CACHE'];

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'grout-build-cache-test-'));
  process.env['GROUT_TEST_CACHE'] = cache;
});

afterEach(() => {
  if (saved === undefined) delete process.env['GROUT_TEST_CACHE'];
  else process.env['GROUT_TEST_CACHE'] = saved;
  rmSync(cache, { recursive: true, force: true });
});

/** The pid of a process that has exited: nobody holds a lock under it any more. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('cachedBuild', () => {
  it('builds once when asked twice at the same time, and both get the finished directory', async () => {
    let builds = 0;
    const build = async (dir: string): Promise<void> => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 300));
      writeFileSync(join(dir, 'image'), 'done');
    };
    const [a, b] = await Promise.all([cachedBuild('img', build), cachedBuild('img', build)]);
    expect(builds).toBe(1);
    expect(a).toBe(b);
    expect(readFileSync(join(a, 'image'), 'utf8')).toBe('done');
    expect(readdirSync(cache).sort()).toEqual(['img']);
    // Cached: the next call does not build.
    await cachedBuild('img', build);
    expect(builds).toBe(1);
  });

  it('leaves nothing behind when the build fails, so the next call builds afresh', async () => {
    await expect(cachedBuild('img', () => Promise.reject(new Error('apt failed')))).rejects.toThrow('apt failed');
    expect(readdirSync(cache)).toEqual([]);
    const dir = await cachedBuild('img', (d) => writeFileSync(join(d, 'image'), 'ok'));
    expect(existsSync(join(dir, '.complete'))).toBe(true);
  });

  it('takes over the lock and the leftovers of a builder that died', async () => {
    const pid = deadPid();
    writeFileSync(join(cache, 'img.lock'), `${pid}\n`);
    mkdirSync(join(cache, `.img.build-${pid}`, 'rootfs'), { recursive: true });
    // An unfinished directory (no .complete marker) at the final name is replaced too.
    mkdirSync(join(cache, 'img'));
    const dir = await cachedBuild('img', (d) => writeFileSync(join(d, 'image'), 'ok'));
    expect(readFileSync(join(dir, 'image'), 'utf8')).toBe('ok');
    expect(readdirSync(cache).sort()).toEqual(['img']);
  });

  it('waits for a live builder rather than building beside it', async () => {
    writeFileSync(join(cache, 'img.lock'), `${process.ppid}\n`);
    let built = false;
    const waiting = cachedBuild('img', () => {
      built = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(built).toBe(false);
    // The other builder finishes: its rename lands and it drops the lock.
    mkdirSync(join(cache, 'img'));
    writeFileSync(join(cache, 'img', '.complete'), '');
    rmSync(join(cache, 'img.lock'));
    expect(await waiting).toBe(join(cache, 'img'));
    expect(built).toBe(false);
  });
});
