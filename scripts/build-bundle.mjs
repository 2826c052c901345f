#!/usr/bin/env node
/**
 * The bundled CLI (`npm run build`, after tsc): grout's ~230 ES modules and its pure-JS dependencies in a few files
 * under dist/bundle/, which bin/grout.js loads instead of dist/cli/main.js. Node resolves, reads and links one
 * module at a time, so a warm rescan spent ~0.2 s of its ~0.5 s loading modules; the bundle takes most of that off.
 *
 * - ESM with code splitting: the lazy `import()` of the scan, fix, db and cache commands stay separate chunks, so
 *   `grout sbom` still loads neither the vulnerability side nor openpgp.
 * - Native or WebAssembly packages stay external and load from node_modules as before (better-sqlite3's addon,
 *   xz-decompress's wasm), and so does everything `lazyModule()` requires at run time (yaml, smol-toml, packageurl-js).
 * - Bundled CommonJS dependencies call `require()` for Node's builtins: the banner gives the ESM bundle one.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** Loaded from node_modules at run time: native addons, wasm, and packages only ever required lazily. */
const EXTERNAL = ['better-sqlite3', 'xz-decompress', 'yaml', 'smol-toml', 'packageurl-js'];

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { grout: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // The bundle is read by Node only; minifying identifiers would make stack traces unreadable for little gain.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  banner: { js: "import { createRequire as __groutCreateRequire } from 'node:module'; const require = __groutCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs).filter(([name]) => name.endsWith('.js'));
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
process.stderr.write(`bundle: ${outputs.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${outdir}\n`);
