import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The root of grout's on-disk caches: `$GROUT_CACHE_DIR`, else `$XDG_CACHE_HOME/grout`, else `~/.cache/grout`.
 * A relative `GROUT_CACHE_DIR` is taken from the working directory (the user asked for it); a relative
 * `XDG_CACHE_HOME` is ignored, as the XDG base directory spec says.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['GROUT_CACHE_DIR'];
  if (explicit) return resolve(explicit);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'grout');
  return join(homedir(), '.cache', 'grout');
}

/** Content-addressed blobs: `<root>/blobs/sha256/<hex>`. */
export function blobCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'blobs', 'sha256');
}
