import type * as Yaml from 'yaml';
import { lazyModule } from '../../../../core/lazy-module.js';
import type { FileExtractor } from '../../../extractor.js';
import { mergeAndSort } from '../common/finish-packages.js';
import { isRecord } from '../common/json-value.js';
import { FileIssues, lockedToExtracted, type LockedPackage } from '../common/locked-package.js';
import { baseName, isInsideNodeModules } from '../common/npm-paths.js';
import { readYarnBerry } from './read-berry.js';
import { readYarnV1 } from './read-v1.js';
import { parseYarnV1 } from './yarn-v1-syntax.js';

const yaml = lazyModule<typeof Yaml>('yaml');

const MAX_LOCK_BYTES = 64 * 1024 * 1024;

/**
 * `yarn.lock`, classic (v1, yarn's own syntax) and berry (v2+, YAML, recognised by its `__metadata` entry).
 * Only registry packages are reported (see ./descriptor.ts). A yarn.lock inside `node_modules` belongs to a
 * published package's own development and is skipped.
 */
export const yarnLockExtractor: FileExtractor = {
  name: 'javascript/yarn-lock',
  version: 1,
  maxFileBytes: MAX_LOCK_BYTES,
  wants: (path) => baseName(path) === 'yarn.lock' && !isInsideNodeModules(path),
  extractFile(file, ctx) {
    const issues = new FileIssues(ctx, file.path, 'yarn.lock');
    if (file.bytes.length > MAX_LOCK_BYTES) {
      issues.add(`${file.bytes.length} bytes exceeds the ${MAX_LOCK_BYTES}-byte cap; not read`);
      return [];
    }
    let text = file.bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const locked = isBerry(text) ? readBerryText(text, issues) : readV1Text(text, issues);
    issues.flush();
    return mergeAndSort(locked.map((l) => lockedToExtracted(l, file.path)));
  },
};

function isBerry(text: string): boolean {
  return text.startsWith('__metadata:') || text.includes('\n__metadata:');
}

function readV1Text(text: string, issues: FileIssues): LockedPackage[] {
  const parsed = parseYarnV1(text);
  for (const problem of parsed.problems) issues.add(problem);
  return readYarnV1(parsed.entries, issues);
}

function readBerryText(text: string, issues: FileIssues): LockedPackage[] {
  let value: unknown;
  try {
    // failsafe: every scalar stays a string, so `version: 1.10` is not read as the number 1.1.
    const doc = yaml().parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
    if (doc.errors.length > 0) {
      issues.add(`invalid YAML: ${doc.errors[0]!.message.split('\n')[0]!.slice(0, 200)}`);
      return [];
    }
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    issues.add(`invalid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200)}`);
    return [];
  }
  if (!isRecord(value)) {
    issues.add('invalid YAML: the top level is not a map');
    return [];
  }
  return readYarnBerry(value, issues);
}
