/**
 * ruby/gemfile-lock: the gems a Bundler lockfile pins (`Gemfile.lock`, `gems.locked`). A gem locked for several
 * platforms (`nokogiri (1.16.0-x86_64-linux)`, `nokogiri (1.16.0-arm64-darwin)`) is one package: the version is the
 * same, only the binary differs.
 */
import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { ExtractedFile, FileExtractContext, FileExtractor } from '../../../extractor.js';
import { readLockfile } from './read-lockfile.js';

const lockNames = ['Gemfile.lock', 'gems.locked'];

function wantsLockfile(path: string): boolean {
  for (const name of lockNames) {
    if (path === name || (path.endsWith(name) && path[path.length - name.length - 1] === '/')) return true;
  }
  return false;
}

function extractLockfile(file: ExtractedFile, ctx: FileExtractContext): ExtractedPackage[] {
  const lock = readLockfile(file.bytes.toString('utf8'));
  if (lock.sections === 0) {
    ctx.issue(file.path, 'not a Gemfile.lock: no GEM, GIT, PATH, PLATFORMS or DEPENDENCIES section');
    return [];
  }
  const locked = new Set(lock.gems.map((g) => g.name));
  const byKey = new Map<string, ExtractedPackage>();
  for (const gem of lock.gems) {
    const key = `${gem.name}\0${gem.version}`;
    const dependsOn = gem.dependencies.filter((d) => d !== gem.name && locked.has(d));
    const existing = byKey.get(key);
    if (existing !== undefined) {
      // Another platform of the same gem: its dependencies may differ (platform-only ones), keep them all.
      existing.dependsOn = [...new Set([...(existing.dependsOn ?? []), ...dependsOn])].sort();
      if (existing.dependsOn.length === 0) delete existing.dependsOn;
      continue;
    }
    const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
    if (lock.direct !== undefined) metadata.direct = lock.direct.has(gem.name);
    if (gem.remote !== undefined) metadata.resolved = gem.remote;
    const pkg: ExtractedPackage = { ecosystem: 'gem', name: gem.name, version: gem.version, licenses: [], evidence: file.path, metadata };
    if (dependsOn.length > 0) pkg.dependsOn = [...dependsOn].sort();
    byKey.set(key, pkg);
  }
  return [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

export const gemfileLockExtractor: FileExtractor = {
  name: 'ruby/gemfile-lock',
  version: 1,
  maxFileBytes: 16 * 1024 * 1024,
  wants: (path) => wantsLockfile(path),
  extractFile: extractLockfile,
};
