/** pnpm-lock.yaml, lockfile v5, v6 and v9. */
export { pnpmLockExtractor } from './pnpm-lock-extractor.js';
