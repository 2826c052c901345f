import type * as Yaml from 'yaml';
import { lazyModule } from '../../../../core/lazy-module.js';
import type { FileExtractor } from '../../../extractor.js';
import { mergeAndSort } from '../common/finish-packages.js';
import { isRecord, type JsonRecord } from '../common/json-value.js';
import { FileIssues, lockedToExtracted } from '../common/locked-package.js';
import { baseName, isInsideNodeModules } from '../common/npm-paths.js';
import { readPnpmLock } from './read-pnpm.js';

const yaml = lazyModule<typeof Yaml>('yaml');

const MAX_LOCK_BYTES = 64 * 1024 * 1024;
const MAX_DOCUMENTS = 16;

/**
 * `pnpm-lock.yaml`, lockfile v5, v6 and v9. pnpm 11 may write two YAML documents: first the lockfile of pnpm's
 * own environment (`packageManagerDependencies`, `configDependencies`), then the project's; the project's, the
 * last document, is read. A pnpm-lock.yaml inside `node_modules` (pnpm's own `node_modules/.pnpm/lock.yaml` has
 * another name) belongs to a published package and is skipped.
 */
export const pnpmLockExtractor: FileExtractor = {
  name: 'javascript/pnpm-lock',
  version: 1,
  maxFileBytes: MAX_LOCK_BYTES,
  wants: (path) => baseName(path) === 'pnpm-lock.yaml' && !isInsideNodeModules(path),
  extractFile(file, ctx) {
    const issues = new FileIssues(ctx, file.path, 'pnpm-lock.yaml');
    if (file.bytes.length > MAX_LOCK_BYTES) {
      issues.add(`${file.bytes.length} bytes exceeds the ${MAX_LOCK_BYTES}-byte cap; not read`);
      return [];
    }
    const lock = readLastDocument(file.bytes, issues);
    const locked = lock === undefined ? [] : readPnpmLock(lock, issues);
    issues.flush();
    return mergeAndSort(locked.map((l) => lockedToExtracted(l, file.path)));
  },
};

function readLastDocument(bytes: Buffer, issues: FileIssues): JsonRecord | undefined {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    // failsafe: every scalar stays a string, so `version: 1.10` is not read as the number 1.1.
    const docs = yaml().parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false });
    if (!Array.isArray(docs)) {
      issues.add('invalid YAML: stray document end');
      return undefined;
    }
    if (docs.length > MAX_DOCUMENTS) {
      issues.add(`${docs.length} YAML documents; a lockfile has at most two`);
      return undefined;
    }
    const last = docs.at(-1);
    if (last === undefined) {
      issues.add('empty file');
      return undefined;
    }
    if (last.errors.length > 0) {
      issues.add(`invalid YAML: ${last.errors[0]!.message.split('\n')[0]!.slice(0, 200)}`);
      return undefined;
    }
    const value: unknown = last.toJS({ maxAliasCount: 100 });
    if (!isRecord(value)) {
      issues.add('invalid YAML: the top level is not a map');
      return undefined;
    }
    return value;
  } catch (err) {
    issues.add(`invalid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200)}`);
    return undefined;
  }
}
