import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared data folder: `$GROUT_SHARED_DIR`, or `../shared` beside the project root. */
export function sharedDir(): string {
  const dir = process.env['GROUT_SHARED_DIR'] ?? join(projectRoot, '..', 'shared');
  if (!existsSync(dir)) {
    throw new Error(`shared data not found at ${dir}; set GROUT_SHARED_DIR`);
  }
  return dir;
}

export function peerFixtures(...parts: string[]): string {
  return join(sharedDir(), 'peer-fixtures', ...parts);
}

export function vulndata(...parts: string[]): string {
  return join(sharedDir(), 'vulndata', ...parts);
}

export { projectRoot };
