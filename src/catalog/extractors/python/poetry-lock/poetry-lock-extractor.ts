import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { normalizeName, sortPackages } from '../pypi-names.js';
import { withoutCredentials } from '../redact-url.js';
import { isTable, ProblemLog, readTomlLock, stringField } from '../toml-lock.js';

/** More dependencies than one package declares. */
const MAX_DEPENDENCIES = 10_000;

/**
 * `poetry.lock`, lock-version 1.x and 2.x (https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock):
 * every `[[package]]`, `origin: 'declared'`.
 * - `dev`: the package is only in non-main groups: `category = "dev"` (1.x) or `groups` without `main` (2.x);
 * - `dependsOn`: the keys of `[package.dependencies]`, PEP 503 normalised (they are written as the requirement
 *   spells them, `Jinja2`, while the package is `jinja2`); markers and optional flags are not evaluated;
 * - `resolved`: the `[package.source]` URL (git, url, directory, or a private index), without credentials.
 * Which packages are direct dependencies is in pyproject.toml, not in the lock, so `direct` is not set.
 */
export const poetryLockExtractor: FileExtractor = {
  name: 'python/poetry-lock',
  version: 1,
  maxFileBytes: 16 * 1024 * 1024,
  wants: (path) => path === 'poetry.lock' || path.endsWith('/poetry.lock'),
  extractFile(file, ctx) {
    const lock = readTomlLock(file.bytes, 'poetry.lock');
    if (!lock.ok) {
      ctx.issue(file.path, lock.reason);
      return [];
    }
    const problems = new ProblemLog((reason) => ctx.issue(file.path, reason), 'poetry.lock');
    if (lock.notTables > 0) problems.add(`${lock.notTables} "package" entries are not tables`);
    const out: ExtractedPackage[] = [];
    lock.packages.forEach((raw, index) => {
      const name = stringField(raw, 'name');
      const version = stringField(raw, 'version');
      if (name === undefined) return problems.add(`package ${index + 1} has no name; skipped`);
      if (version === undefined) return problems.add(`package ${name} has no version; skipped`);
      const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
      if (isDevOnly(raw)) metadata.dev = true;
      const source = raw['source'];
      if (isTable(source)) {
        const url = stringField(source, 'url');
        if (url !== undefined) metadata.resolved = withoutCredentials(url);
      }
      const pkg: ExtractedPackage = { ecosystem: 'pypi', name, version, licenses: [], evidence: file.path, metadata };
      const deps = raw['dependencies'];
      if (deps !== undefined && !isTable(deps)) problems.add(`package ${name} ${version}: "dependencies" is not a table`);
      else if (deps !== undefined) {
        const names = [...new Set(Object.keys(deps).slice(0, MAX_DEPENDENCIES).map(normalizeName))].filter((n) => n !== '').sort();
        if (names.length > 0) pkg.dependsOn = names;
      }
      out.push(pkg);
    });
    problems.finish();
    return sortPackages(out);
  },
};

function isDevOnly(pkg: Record<string, unknown>): boolean {
  if (pkg['category'] === 'dev') return true;
  const groups = pkg['groups'];
  return Array.isArray(groups) && groups.length > 0 && !groups.includes('main');
}
