/** pipenv lock files (`Pipfile.lock`): `default` and `develop` packages. */
export { pipfileLockExtractor } from './pipfile-lock-extractor.js';
