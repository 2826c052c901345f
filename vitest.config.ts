import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests never write to the user's cache: per-layer results and blobs go to a fresh temp dir for each run.
process.env['GROUT_CACHE_DIR'] ??= mkdtempSync(join(tmpdir(), 'grout-test-cache-'));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
  },
});
