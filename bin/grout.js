#!/usr/bin/env node
import { existsSync } from 'node:fs';

// The bundled CLI (scripts/build-bundle.mjs) starts in a fraction of the time of dist/'s ~230 separate modules;
// a build made by tsc alone has only those.
const bundle = new URL('../dist/bundle/grout.js', import.meta.url);
const { main } = existsSync(bundle) ? await import(bundle.href) : await import('../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
