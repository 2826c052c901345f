/**
 * os/apk: Alpine, Wolfi and Chainguard packages from apk's installed database, with the files each one owns
 * and their SHA-1 digests.
 */
import type { ExtractedPackage } from '../../../../core/model.js';
import type { ExtractContext, Extractor } from '../../../extractor.js';
import { issueSink } from '../../../issue-sink.js';
import { parseInstalledDb } from './read-installed.js';

/**
 * apk-tools keeps the database at `lib/apk/db/installed`; with a merged /usr the same file may appear only under
 * `usr/lib/`. The first present is read, so one database is never counted twice.
 */
const databasePaths = ['lib/apk/db/installed', 'usr/lib/apk/db/installed'] as const;

function extractApk(ctx: ExtractContext): ExtractedPackage[] {
  for (const path of databasePaths) {
    const bytes = ctx.view.read(path);
    if (bytes === undefined) continue;
    const sink = issueSink(ctx.issue, path);
    const packages = parseInstalledDb(bytes, path, (reason) => sink.report(reason));
    sink.close();
    return packages;
  }
  return [];
}

export const apkExtractor: Extractor = {
  name: 'os/apk',
  version: 1,
  maxFileBytes: 64 * 1024 * 1024,
  wants: (path) => path === databasePaths[0] || path === databasePaths[1],
  extract: extractApk,
};
