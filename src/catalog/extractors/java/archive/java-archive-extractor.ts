/**
 * java/archive: Maven artifacts in jar, war, ear, par, sar and Jenkins jpi/hpi files, read in memory from the
 * bytes the single pass hands over (never extracted to disk), nested archives included. See archive-packages.ts
 * for the walk, archive-identity.ts for how an archive's own coordinates are chosen, limits.ts for the caps.
 */
import type { ExtractedPackage } from '../../../../core/model.js';
import type { ExtractedFile, FileExtractContext, FileExtractor } from '../../../extractor.js';
import { isArchiveName } from './archive-identity.js';
import { archivePackages } from './archive-packages.js';
import { defaultArchiveLimits, type ArchiveLimits } from './limits.js';

function comparePackages(a: ExtractedPackage, b: ExtractedPackage): number {
  const pathOf = (p: ExtractedPackage): string => (p.metadata?.kind === 'language' ? (p.metadata.archivePath ?? '') : '');
  const keys: [string, string][] = [
    [a.name, b.name],
    [a.version, b.version],
    [pathOf(a), pathOf(b)],
  ];
  for (const [x, y] of keys) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Issues recorded per outer file; a hostile archive could otherwise produce one per directory record. */
const maxIssues = 100;

/** Packages of one archive file, sorted by name, version and inner path; problems go to `ctx.issue`. */
export function extractJavaArchive(file: ExtractedFile, ctx: FileExtractContext, limits: ArchiveLimits = defaultArchiveLimits): ExtractedPackage[] {
  let issues = 0;
  const issue = (reason: string): void => {
    issues++;
    if (issues <= maxIssues) ctx.issue(file.path, reason);
    else if (issues === maxIssues + 1) ctx.issue(file.path, `more than ${maxIssues} problems; the rest are not listed`);
  };
  const scan = { limits, evidence: file.path, budget: limits.maxTotalBytes, issue };
  try {
    return archivePackages(file.bytes, { name: file.path, archivePath: undefined, depth: 0 }, scan).sort(comparePackages);
  } catch (error) {
    // Every read is bounds-checked; a RangeError here is a bug met on hostile bytes, reported rather than thrown.
    if (!(error instanceof RangeError)) throw error;
    ctx.issue(file.path, `unreadable archive (${error.message})`);
    return [];
  }
}

export const javaArchiveExtractor: FileExtractor = {
  name: 'java/archive',
  version: 1,
  maxFileBytes: 256 * 1024 * 1024,
  wants: (path, info) => info.size > 0 && isArchiveName(path),
  extractFile: (file, ctx) => extractJavaArchive(file, ctx),
};
