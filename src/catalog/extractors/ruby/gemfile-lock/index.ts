/** Gems pinned by a Bundler lockfile. */
export { gemfileLockExtractor } from './gemfile-lock-extractor.js';
export { readLockfile, type LockedGem, type Lockfile } from './read-lockfile.js';
