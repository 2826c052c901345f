/** npm lockfiles: package-lock.json and npm-shrinkwrap.json, v1 to v3. */
export { packageLockExtractor } from './package-lock-extractor.js';
