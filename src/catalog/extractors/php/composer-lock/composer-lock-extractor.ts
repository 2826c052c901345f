/**
 * php/composer-lock: the packages a `composer.lock` pins, `packages` and `packages-dev` (the latter marked `dev`),
 * with licences and `require` edges between them. Platform requirements (`php`, `ext-*`, `lib-*`) are not packages.
 */
import type { ExtractedPackage } from '../../../../core/model.js';
import type { ExtractedFile, FileExtractContext, FileExtractor } from '../../../extractor.js';
import { isRecord, linkRequires, maxPackages, readEntries, sortPackages, type ReadEntry } from '../composer-package.js';
import { parseJson } from '../read-json.js';

const lockName = 'composer.lock';

function wantsLock(path: string): boolean {
  return path === lockName || (path.endsWith(lockName) && path[path.length - lockName.length - 1] === '/');
}

function extractLock(file: ExtractedFile, ctx: FileExtractContext): ExtractedPackage[] {
  const json = parseJson(file.bytes);
  if (!json.ok) {
    ctx.issue(file.path, json.reason);
    return [];
  }
  const lock = json.value;
  if (!isRecord(lock) || (!Array.isArray(lock['packages']) && !Array.isArray(lock['packages-dev']))) {
    ctx.issue(file.path, 'not a composer.lock: no "packages" array');
    return [];
  }
  const read: ReadEntry[] = [];
  const seen = new Set<string>();
  for (const [key, dev] of [['packages', false], ['packages-dev', true]] as const) {
    const list = lock[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      ctx.issue(file.path, `"${key}" is not an array`);
      continue;
    }
    for (const entry of readEntries(list, file.path, 'declared', ctx)) {
      // A name in both lists (a broken lock) is kept once, as a runtime package.
      const lower = entry.pkg.name.toLowerCase();
      if (seen.has(lower) || read.length >= maxPackages) continue;
      seen.add(lower);
      if (entry.pkg.metadata?.kind === 'language') entry.pkg.metadata.dev = dev;
      read.push(entry);
    }
  }
  linkRequires(read);
  return sortPackages(read.map((r) => r.pkg));
}

export const composerLockExtractor: FileExtractor = {
  name: 'php/composer-lock',
  version: 1,
  maxFileBytes: 32 * 1024 * 1024,
  wants: (path) => wantsLock(path),
  extractFile: extractLock,
};
