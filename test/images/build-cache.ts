import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where built test images live between runs: `$GROUT_TEST_CACHE`, or `$TMPDIR/grout-test-images`. Never in git. */
export function testCacheDir(): string {
  const dir = process.env['GROUT_TEST_CACHE'] ?? join(tmpdir(), 'grout-test-images');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const STALE_LOCK_MS = 20 * 60 * 1000;

/**
 * Build `name` once into the cache: the builder writes into a fresh temporary directory which is renamed into
 * place when complete, so a crash never leaves a half-built image behind. A lock file keeps concurrent test
 * workers from building the same thing twice; the others wait for the first.
 */
export async function cachedBuild(name: string, build: (dir: string) => Promise<void> | void): Promise<string> {
  const cache = testCacheDir();
  const final = join(cache, name);
  if (existsSync(join(final, '.complete'))) return final;
  const lock = `${final}.lock`;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (existsSync(join(final, '.complete'))) return final;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    if (existsSync(join(final, '.complete'))) return final;
    const temp = join(cache, `.${name}.build-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    try {
      await build(temp);
      closeSync(openSync(join(temp, '.complete'), 'w'));
      rmSync(final, { recursive: true, force: true });
      renameSync(temp, final);
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw err;
    }
    return final;
  } finally {
    rmSync(lock, { force: true });
  }
}
