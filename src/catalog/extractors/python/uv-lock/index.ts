/** uv lock files (`uv.lock`): the locked packages, with direct and dev dependencies of the root project. */
export { uvLockExtractor } from './uv-lock-extractor.js';
