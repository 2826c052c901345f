/**
 * An on-disk cache of verified Packages index files, content-addressed by the sha256 the signed release file gives:
 * `<grout cache>/apt-indexes/sha256/<hex>`. A hit is used only when the file's own bytes hash to that value again, so
 * a damaged or tampered cache file costs a download, never trust; the release file itself is always fetched fresh.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../../cache/cache-paths.js';

/** How many index files the cache keeps (newest first); older ones are removed when a new one is stored. */
export const MAX_CACHED_INDEXES = 24;

export interface CachedIndexKey {
  size: number;
  sha256: string;
}

/** The default directory: `<cacheRoot()>/apt-indexes/sha256`. */
export function indexCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'apt-indexes', 'sha256');
}

const HEX = /^[0-9a-f]{64}$/;

/**
 * The cached bytes for `key`, or undefined when there are none or they do not hash to `key.sha256` (such a file is
 * removed). Never throws: an unreadable cache is a miss.
 */
export async function readCachedIndex(dir: string, key: CachedIndexKey): Promise<Buffer | undefined> {
  const sha256 = key.sha256.toLowerCase();
  if (!HEX.test(sha256)) return undefined;
  const file = join(dir, sha256);
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size !== key.size) {
      await rm(file, { force: true, recursive: true });
      return undefined;
    }
    const body = await readFile(file);
    if (body.length === key.size && createHash('sha256').update(body).digest('hex') === sha256) {
      const now = new Date();
      await utimes(file, now, now).catch(() => {}); // recently used: trimmed last
      return body;
    }
    await rm(file, { force: true });
  } catch {
    // missing or unreadable: a miss
  }
  return undefined;
}

/**
 * Store verified bytes under their sha256 (written to a temporary name, then renamed, so a reader never sees half a
 * file), then trim the cache to MAX_CACHED_INDEXES files. Never throws: a cache that cannot be written is skipped.
 */
export async function storeCachedIndex(dir: string, sha256: string, body: Buffer): Promise<void> {
  const hex = sha256.toLowerCase();
  if (!HEX.test(hex)) return;
  const tmp = join(dir, `.${hex}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, body);
    await rename(tmp, join(dir, hex));
    await trim(dir);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

async function trim(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => HEX.test(n));
  if (names.length <= MAX_CACHED_INDEXES) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(MAX_CACHED_INDEXES)) await rm(join(dir, n), { force: true });
}
