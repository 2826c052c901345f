/**
 * php/composer-installed: the packages Composer installed into a vendor directory, from
 * `vendor/composer/installed.json` — Composer 1 writes an array of packages, Composer 2
 * `{"packages": [...], "dev": true, "dev-package-names": [...]}`, which also says which are dev-only.
 */
import type { ExtractedPackage } from '../../../../core/model.js';
import type { ExtractedFile, FileExtractContext, FileExtractor } from '../../../extractor.js';
import { isRecord, linkRequires, maxPackages, readEntries, sortPackages } from '../composer-package.js';
import { parseJson } from '../read-json.js';

// The vendor directory is configurable (`config.vendor-dir`), Composer's own folder inside it is not.
const installedSuffix = 'composer/installed.json';

function wantsInstalled(path: string): boolean {
  return path === installedSuffix || (path.endsWith(installedSuffix) && path[path.length - installedSuffix.length - 1] === '/');
}

function extractInstalled(file: ExtractedFile, ctx: FileExtractContext): ExtractedPackage[] {
  const json = parseJson(file.bytes);
  if (!json.ok) {
    ctx.issue(file.path, json.reason);
    return [];
  }
  const root = json.value;
  let list: unknown[];
  let devNames: Set<string> | undefined;
  if (Array.isArray(root)) {
    list = root;
  } else if (isRecord(root) && Array.isArray(root['packages'])) {
    list = root['packages'];
    const names = root['dev-package-names'];
    if (Array.isArray(names)) {
      devNames = new Set(names.slice(0, maxPackages).filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase()));
    }
  } else {
    ctx.issue(file.path, 'not a Composer installed.json: neither a package array nor {"packages": [...]}');
    return [];
  }
  const read = readEntries(list, file.path, 'installed', ctx);
  const seen = new Set<string>();
  const unique = read.filter((r) => {
    const lower = r.pkg.name.toLowerCase();
    if (seen.has(lower)) return false;
    seen.add(lower);
    return true;
  });
  if (devNames !== undefined) {
    for (const { pkg } of unique) if (pkg.metadata?.kind === 'language') pkg.metadata.dev = devNames.has(pkg.name.toLowerCase());
  }
  linkRequires(unique);
  return sortPackages(unique.map((r) => r.pkg));
}

export const composerInstalledExtractor: FileExtractor = {
  name: 'php/composer-installed',
  version: 1,
  maxFileBytes: 32 * 1024 * 1024,
  wants: (path) => wantsInstalled(path),
  extractFile: extractInstalled,
};
