/** Poetry lock files (`poetry.lock`, lock-version 1.x and 2.x). */
export { poetryLockExtractor } from './poetry-lock-extractor.js';
