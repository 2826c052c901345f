/**
 * Temporary database files: a build writes `<db>.tmp-<pid>-<random>` beside the target and renames it over the
 * target when done. A process killed mid-build leaves its temp file behind; the next build removes the ones whose
 * process is gone (never a live one: a concurrent build may still be writing it).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A fresh temp path beside `target`, unique to this process and call. */
export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** The pid that owns a temp file of `target`, or undefined when `file` is not one. */
export function tempFileOwner(target: string, file: string): number | undefined {
  const prefix = `${basename(target)}.tmp-`;
  const name = basename(file);
  if (!name.startsWith(prefix)) return undefined;
  const match = /^(\d{1,10})-[0-9a-f]{12}(?:-journal|-wal|-shm)?$/.exec(name.slice(prefix.length));
  if (match === null) return undefined;
  const pid = Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Is a process with this pid running (or at least present, e.g. owned by another user)? */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp files of `target` left by processes that no longer exist. Returns the removed paths. */
export function removeStaleTempFiles(target: string): string[] {
  const dir = dirname(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = tempFileOwner(target, name);
    if (pid === undefined || isProcessAlive(pid)) continue;
    const path = join(dir, name);
    try {
      rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // Another cleaner got there first, or the directory is read-only: neither stops this build.
    }
  }
  return removed.sort();
}
