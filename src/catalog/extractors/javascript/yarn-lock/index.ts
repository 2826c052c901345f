/** yarn.lock, classic (v1) and berry (v2+). */
export { yarnLockExtractor } from './yarn-lock-extractor.js';
