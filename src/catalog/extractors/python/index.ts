/**
 * Python extractors: installed distributions (site-packages / dist-packages metadata) and the packages declared by
 * requirements files and poetry, pipenv and uv lock files. All are per-file extractors, ecosystem `pypi`.
 */
export { pythonInstalledExtractor } from './installed/index.js';
export { pythonRequirementsExtractor } from './requirements/index.js';
export { poetryLockExtractor } from './poetry-lock/index.js';
export { pipfileLockExtractor } from './pipfile-lock/index.js';
export { uvLockExtractor } from './uv-lock/index.js';
export { normalizeName } from './pypi-names.js';
