/**
 * The files of a feed directory, depth first, in sorted name order, so the same tree always yields the same
 * sequence. Symbolic links are followed only to regular files inside the directory; a link that leaves it, or
 * that names a directory (loops), is reported and not followed.
 */
import { closeSync, openSync, readdirSync, readSync, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GroutError } from '../../../core/errors.js';

export interface WalkOptions {
  /** Is this file (by its name) one to yield? Others are passed over silently. */
  select: (name: string) => boolean;
  maxFiles: number;
  maxDepth: number;
  signal?: AbortSignal;
}

export type WalkItem = { path: string; relative: string } | { relative: string; problem: string };

export async function* walkFiles(root: string, label: string, options: WalkOptions): AsyncGenerator<WalkItem> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    throw new GroutError('E_IO', `${label}: cannot read directory: ${(error as Error).message}`, { file: label, cause: error });
  }
  let files = 0;
  async function* walk(dir: string, depth: number): AsyncGenerator<WalkItem> {
    options.signal?.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      yield { relative: relative(root, dir) || '.', problem: `cannot read directory: ${(error as Error).message}` };
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (entry.isDirectory()) {
        if (depth >= options.maxDepth) yield { relative: rel, problem: `deeper than ${options.maxDepth} levels; not read` };
        else yield* walk(path, depth + 1);
        continue;
      }
      if (!options.select(entry.name)) continue;
      if (entry.isSymbolicLink()) {
        const problem = await symlinkProblem(path, realRoot);
        if (problem !== undefined) {
          yield { relative: rel, problem };
          continue;
        }
      } else if (!entry.isFile()) {
        continue;
      }
      files += 1;
      if (files > options.maxFiles) throw new GroutError('E_TOO_LARGE', `${label}: more than ${options.maxFiles} feed files`, { file: label });
      yield { path, relative: rel };
    }
  }
  yield* walk(root, 0);
}

async function symlinkProblem(path: string, realRoot: string): Promise<string | undefined> {
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return 'a dangling symbolic link';
  }
  if (target !== realRoot && !target.startsWith(realRoot + sep)) return 'a symbolic link out of the directory; not followed';
  const info = await stat(target).catch(() => undefined);
  return info?.isFile() === true ? undefined : 'a symbolic link to something other than a file; not followed';
}

/**
 * For `sniff`: a sample of a directory's selected regular files — its first 3 own files and, from each of its
 * first 8 subdirectories, the first file found in it (sorted names, 3 levels down, 200 entries per directory),
 * so a folder that mixes feeds shows it. Synchronous (sniffing must be cheap); throws what the file system throws.
 */
export function sampleFilesSync(dir: string, select: (name: string) => boolean, depth = 0): string[] {
  const entries = readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, 200);
  const sample = entries.filter((e) => e.isFile() && select(e.name)).slice(0, 3).map((e) => join(dir, e.name));
  if (depth >= 3) return sample;
  let subdirectories = 0;
  for (const entry of entries) {
    if (!entry.isDirectory() || subdirectories >= 8) continue;
    const first = sampleFilesSync(join(dir, entry.name), select, depth + 1)[0];
    if (first === undefined) continue;
    sample.push(first);
    subdirectories += 1;
  }
  return sample;
}

/** Up to `bytes` from the start of a file. */
export function readHeadSync(path: string, bytes: number): Buffer {
  const head = Buffer.alloc(bytes);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}
