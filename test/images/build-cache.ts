import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where built test images live between runs: `$GROUT_TEST_CACHE`, or `$TMPDIR/grout-test-images`. Never in git. */
export function testCacheDir(): string {
  const dir = process.env['GROUT_TEST_CACHE'] ?? join(tmpdir(), 'grout-test-images');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A lock whose holder cannot be told (no pid in it) is taken as abandoned after this long. */
const ANONYMOUS_LOCK_MS = 30 * 60 * 1000;
const POLL_MS = 1000;

/**
 * Build `name` once into the cache and return its directory. The builder writes into a fresh temporary directory
 * (with a `.complete` marker last) that is renamed into place, so a crash never leaves a half-built image behind
 * and readers never see one. Correctness rests on the rename alone — "first rename wins", a finished image is
 * never replaced — and a lock file holding the builder's pid only saves other test workers from building the
 * same thing twice: they wait, and take over if that pid has died.
 */
export async function cachedBuild(name: string, build: (dir: string) => Promise<void> | void): Promise<string> {
  const cache = testCacheDir();
  const final = join(cache, name);
  const complete = (): boolean => existsSync(join(final, '.complete'));
  if (complete()) return final;
  const lock = join(cache, `${name}.lock`);
  while (!tryLock(lock)) {
    if (complete()) return final;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    if (complete()) return final;
    removeAbandonedBuilds(cache, name);
    const temp = join(cache, `.${name}.build-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    try {
      await build(temp);
      writeFileSync(join(temp, '.complete'), `${new Date().toISOString()}\n`);
      // Only an unfinished leftover (no marker) may be replaced; a finished image from another builder stands.
      if (existsSync(final) && !complete()) rmSync(final, { recursive: true, force: true });
      try {
        renameSync(temp, final);
      } catch (err) {
        if (!complete()) throw err;
        rmSync(temp, { recursive: true, force: true });
      }
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw err;
    }
    return final;
  } finally {
    if (readLockPid(lock) === process.pid) rmSync(lock, { force: true });
  }
}

/** Create the lock file holding our pid; when its holder is gone, clear it and try once more. */
function tryLock(lock: string): boolean {
  if (createLock(lock)) return true;
  const pid = readLockPid(lock);
  const abandoned = pid === undefined ? Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > ANONYMOUS_LOCK_MS : !isAlive(pid);
  if (!abandoned || readLockPid(lock) !== pid) return false;
  // Another waiter may clear it at the same moment and lock anew; the worst case is one duplicate build, which
  // the rename in cachedBuild tolerates.
  rmSync(lock, { force: true });
  return createLock(lock);
}

function createLock(lock: string): boolean {
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readLockPid(lock: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary build directories left by builders that died (killed test workers): they can be gigabytes. */
function removeAbandonedBuilds(cache: string, name: string): void {
  const prefix = `.${name}.build-`;
  for (const entry of readdirSync(cache)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number.parseInt(entry.slice(prefix.length), 10);
    if (pid !== process.pid && !(Number.isSafeInteger(pid) && pid > 0 && isAlive(pid))) rmSync(join(cache, entry), { recursive: true, force: true });
  }
}
