import type { FileExtractor } from '../../../extractor.js';
import { mergeAndSort } from '../common/finish-packages.js';
import { parseJsonObject, recordField } from '../common/json-value.js';
import { FileIssues, lockedToExtracted, type LockedPackage } from '../common/locked-package.js';
import { baseName, isInsideNodeModules } from '../common/npm-paths.js';
import { readDependenciesTree } from './lock-v1.js';
import { readPackagesSection } from './lock-packages.js';

const MAX_LOCK_BYTES = 64 * 1024 * 1024;

/**
 * npm lockfiles, `package-lock.json` and `npm-shrinkwrap.json`, v1 to v3 (declared packages with their dev flag,
 * whether the project depends on them directly, `resolved`/`integrity`, and dependency edges). A lockfile inside
 * `node_modules` is skipped: a published package's shrinkwrap, or npm's hidden `node_modules/.package-lock.json`,
 * describes what `javascript/npm-installed` already reads from the installed manifests.
 */
export const packageLockExtractor: FileExtractor = {
  name: 'javascript/package-lock',
  version: 1,
  maxFileBytes: MAX_LOCK_BYTES,
  wants(path) {
    const base = baseName(path);
    return (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') && !isInsideNodeModules(path);
  },
  extractFile(file, ctx) {
    const issues = new FileIssues(ctx, file.path, baseName(file.path));
    if (file.bytes.length > MAX_LOCK_BYTES) {
      issues.add(`${file.bytes.length} bytes exceeds the ${MAX_LOCK_BYTES}-byte cap; not read`);
      return [];
    }
    const parsed = parseJsonObject(file.bytes);
    if ('error' in parsed) {
      issues.add(parsed.error);
      return [];
    }
    const lock = parsed.value;
    const packages = recordField(lock, 'packages');
    const dependencies = recordField(lock, 'dependencies');
    const lockVersion = lock['lockfileVersion'];
    let locked: LockedPackage[];
    // v2 carries both sections for old npm; `packages` is the one npm 7+ reads.
    if (packages !== undefined && (dependencies === undefined || typeof lockVersion !== 'number' || lockVersion >= 2)) {
      locked = readPackagesSection(packages, issues);
    } else if (dependencies !== undefined) {
      locked = readDependenciesTree(dependencies, issues);
    } else {
      locked = [];
      if (typeof lockVersion !== 'number') issues.add('neither "packages" nor "dependencies" nor "lockfileVersion": not an npm lockfile');
    }
    issues.flush();
    return mergeAndSort(locked.map((l) => lockedToExtracted(l, file.path)));
  },
};
