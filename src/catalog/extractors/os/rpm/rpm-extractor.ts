import type { ExtractedPackage } from '../../../../core/model.js';
import type { ExtractContext, Extractor } from '../../../extractor.js';
import { readBdb } from './bdb.js';
import type { DbReadResult } from './db-read.js';
import { parseHeader } from './header.js';
import { readNdb } from './ndb.js';
import { packageFromHeader } from './package-from-header.js';
import { readSqlite } from './sqlite.js';
import { issueSink } from '../../../issue-sink.js';

interface Database {
  path: string;
  read: (bytes: Buffer) => DbReadResult;
}

/**
 * Where rpm keeps its package database, in the order they are tried: the newer location
 * (`usr/lib/sysimage/rpm`, Fedora 36+, SUSE) before `var/lib/rpm`, and in each the newer backend first
 * (SQLite, then NDB, then Berkeley DB). The first one that opens is the image's database; the others are left
 * alone, since rpm itself uses one (a converted system can keep a stale older file beside the new one).
 */
const DATABASES: readonly Database[] = [
  { path: 'usr/lib/sysimage/rpm/rpmdb.sqlite', read: readSqlite },
  { path: 'var/lib/rpm/rpmdb.sqlite', read: readSqlite },
  { path: 'usr/lib/sysimage/rpm/Packages.db', read: readNdb },
  { path: 'var/lib/rpm/Packages.db', read: readNdb },
  { path: 'usr/lib/sysimage/rpm/Packages', read: readBdb },
  { path: 'var/lib/rpm/Packages', read: readBdb },
];

const WANTED = new Set(DATABASES.map((d) => d.path));

/** More issues than this for one database are summarised: a hostile file must not flood the inventory. */
const MAX_ISSUES_PER_DB = 50;

/**
 * Installed rpm packages from the rpm database (SQLite, NDB or Berkeley DB), read in TypeScript without rpm.
 * Each header gives one package with its owned files (digests, sizes, modes, %config), requirements and rpm
 * metadata; `gpg-pubkey` pseudo-packages are skipped. A bad header is an issue for that header only.
 *
 * @example
 * const packages = await rpmExtractor.extract({ view, distro: undefined, issue: (path, reason) => {} });
 */
export const rpmExtractor: Extractor = {
  name: 'os/rpm',
  version: 1,
  // The whole database is held in memory (and copied once for SQLite); 200 MiB covers the largest real ones.
  maxFileBytes: 200 * 1024 * 1024,
  wants: (path) => WANTED.has(path),
  extract: extractPackages,
};

function extractPackages(ctx: ExtractContext): ExtractedPackage[] {
  for (const db of DATABASES) {
    const bytes = ctx.view.read(db.path);
    if (bytes === undefined) continue;
    const result = db.read(bytes);
    if (!result.ok) {
      ctx.issue(db.path, result.reason);
      continue;
    }
    const issues = issueSink(ctx.issue, db.path, MAX_ISSUES_PER_DB);
    for (const problem of result.problems) issues.report(problem);
    const packages: ExtractedPackage[] = [];
    for (const record of result.records) {
      const parsed = parseHeader(record.blob);
      if (!parsed.ok) {
        issues.report(`header ${record.instance}: ${parsed.reason}`);
        continue;
      }
      const built = packageFromHeader(parsed.header, db.path, record.instance);
      if (built.kind === 'bad') issues.report(`header ${record.instance}: ${built.reason}`);
      if (built.kind !== 'package') continue;
      for (const problem of built.problems) issues.report(`header ${record.instance} (${built.pkg.name}): ${problem}`);
      packages.push(built.pkg);
    }
    issues.close();
    return packages.sort(comparePackages);
  }
  return [];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePackages(a: ExtractedPackage, b: ExtractedPackage): number {
  return (
    compareText(a.name, b.name) ||
    compareText(a.version, b.version) ||
    compareText(a.arch ?? '', b.arch ?? '') ||
    (instanceOf(a) ?? 0) - (instanceOf(b) ?? 0)
  );
}

function instanceOf(pkg: ExtractedPackage): number | undefined {
  return pkg.metadata?.kind === 'rpm' ? pkg.metadata.dbInstance : undefined;
}
