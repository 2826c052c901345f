import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GROUT_VERSION } from './grout-version.js';

describe('GROUT_VERSION', () => {
  it('is the version package.json publishes', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(GROUT_VERSION).toBe(pkg.version);
  });
});
