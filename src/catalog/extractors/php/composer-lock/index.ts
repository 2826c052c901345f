/** PHP packages pinned by Composer's `composer.lock`. */
export { composerLockExtractor } from './composer-lock-extractor.js';
