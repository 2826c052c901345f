import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A third-party module loaded the first time something needs it, not when grout starts: most images hold no
 * pnpm/yarn lock, Cargo.lock, TOML lock or rpm SQLite database, and loading yaml, smol-toml and better-sqlite3 up
 * front costs every command ~65 ms (a warm rescan is ~0.3 s in all). Each of these packages ships a CommonJS
 * build, so the load is synchronous and the parse functions keep their signatures.
 *
 * @example
 * const yaml = lazyModule<typeof import('yaml')>('yaml');
 * yaml().parseDocument(text);
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
