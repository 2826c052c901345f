/**
 * JavaScript packages: installed ones from `node_modules` manifests, declared ones from npm, yarn and pnpm
 * lockfiles. Each extractor lives in its own folder; this lists them for the registry table.
 */
import type { FileExtractor } from '../../extractor.js';
import { npmInstalledExtractor } from './npm-installed/index.js';
import { packageLockExtractor } from './package-lock/index.js';
import { pnpmLockExtractor } from './pnpm-lock/index.js';
import { yarnLockExtractor } from './yarn-lock/index.js';

export { npmInstalledExtractor, packageLockExtractor, pnpmLockExtractor, yarnLockExtractor };

/** All four, in a stable order. */
export const javascriptExtractors: readonly FileExtractor[] = [npmInstalledExtractor, packageLockExtractor, yarnLockExtractor, pnpmLockExtractor];
