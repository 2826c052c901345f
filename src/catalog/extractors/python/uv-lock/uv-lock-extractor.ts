import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { normalizeName, sortPackages } from '../pypi-names.js';
import { withoutCredentials } from '../redact-url.js';
import { isTable, ProblemLog, readTomlLock, stringField } from '../toml-lock.js';

/** More dependencies than one package declares. */
const MAX_DEPENDENCIES = 10_000;

/**
 * `uv.lock` (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile): every `[[package]]` except the
 * project's own code, `origin: 'declared'`.
 * - The root project is the package whose source is `{ virtual = "." }` or `{ editable = "." }`; it and other
 *   workspace members (editable or virtual sources elsewhere) are the project, not dependencies, and are skipped.
 * - `direct`: the root depends on it (`dependencies`, `optional-dependencies` or a `dev-dependencies` group);
 * - `dev`: not reachable from the root through `dependencies` and `optional-dependencies` (as trivy decides);
 * - `dependsOn`: the names of all three kinds of dependencies; `resolved`: a git, url, path or directory source.
 * uv writes exactly one root; a lock with none or several is reported, and its packages are kept without
 * `direct` and `dev`.
 */
export const uvLockExtractor: FileExtractor = {
  name: 'python/uv-lock',
  version: 1,
  maxFileBytes: 32 * 1024 * 1024,
  wants: (path) => path === 'uv.lock' || path.endsWith('/uv.lock'),
  extractFile(file, ctx) {
    const lock = readTomlLock(file.bytes, 'uv.lock');
    if (!lock.ok) {
      ctx.issue(file.path, lock.reason);
      return [];
    }
    const problems = new ProblemLog((reason) => ctx.issue(file.path, reason), 'uv.lock');
    if (lock.notTables > 0) problems.add(`${lock.notTables} "package" entries are not tables`);

    const packages = lock.packages.map(readPackage);
    const roots = packages.filter((p) => p.root);
    if (roots.length !== 1) {
      problems.add(
        roots.length === 0
          ? 'no root project (a package with source virtual or editable "."); direct and dev dependencies are not known'
          : `${roots.length} root projects (${roots.map((r) => r.name).join(', ').slice(0, 200)}); direct and dev dependencies are not known`,
      );
    }
    const root = roots.length === 1 ? roots[0] : undefined;
    const production = root ? reachable(root, packages) : undefined;
    const direct = root ? new Set([...root.runtime, ...root.dev]) : undefined;

    const out: ExtractedPackage[] = [];
    packages.forEach((p, index) => {
      if (p.root || p.local) return;
      if (p.name === undefined) return problems.add(`package ${index + 1} has no name; skipped`);
      if (p.version === undefined) return problems.add(`package ${p.name} has no version; skipped`);
      const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
      if (direct && production) {
        metadata.direct = direct.has(p.key);
        if (!production.has(p.key)) metadata.dev = true;
      }
      if (p.resolved !== undefined) metadata.resolved = p.resolved;
      const pkg: ExtractedPackage = { ecosystem: 'pypi', name: p.name, version: p.version, licenses: [], evidence: file.path, metadata };
      const names = [...new Set([...p.runtime, ...p.dev])].sort();
      if (names.length > 0) pkg.dependsOn = names;
      out.push(pkg);
    });
    problems.finish();
    return sortPackages(out);
  },
};

interface UvPackage {
  name: string | undefined;
  /** PEP 503 name, the key dependencies refer to. */
  key: string;
  version: string | undefined;
  root: boolean;
  /** Workspace member or other editable/virtual project code. */
  local: boolean;
  resolved: string | undefined;
  /** Names from `dependencies` and `optional-dependencies`. */
  runtime: string[];
  /** Names from the `dev-dependencies` groups. */
  dev: string[];
}

function readPackage(raw: Record<string, unknown>): UvPackage {
  const name = stringField(raw, 'name');
  const source = isTable(raw['source']) ? raw['source'] : {};
  const editable = stringField(source, 'editable');
  const virtual = stringField(source, 'virtual');
  const location = ['git', 'url', 'path', 'directory'].map((k) => stringField(source, k)).find((v) => v !== undefined);
  return {
    name,
    key: normalizeName(name ?? ''),
    version: stringField(raw, 'version'),
    root: editable === '.' || virtual === '.',
    local: editable !== undefined || virtual !== undefined,
    resolved: location === undefined ? undefined : withoutCredentials(location),
    runtime: [...dependencyNames(raw['dependencies']), ...groupNames(raw['optional-dependencies'])],
    dev: groupNames(raw['dev-dependencies']),
  };
}

/** `[{ name = "x", … }, …]` → PEP 503 names. */
function dependencyNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const dep of list.slice(0, MAX_DEPENDENCIES)) {
    const name = isTable(dep) ? stringField(dep, 'name') : undefined;
    if (name !== undefined) out.push(normalizeName(name));
  }
  return out;
}

/** `{ group = [{ name = "x" }, …], … }` → the names of every group. */
function groupNames(groups: unknown): string[] {
  if (!isTable(groups)) return [];
  return Object.values(groups).flatMap(dependencyNames).slice(0, MAX_DEPENDENCIES);
}

/** Names reachable from the root through runtime dependencies (dependencies and optional-dependencies). */
function reachable(root: UvPackage, packages: UvPackage[]): Set<string> {
  const byKey = new Map<string, UvPackage[]>();
  for (const p of packages) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  const seen = new Set<string>([root.key]);
  const queue = [...root.runtime];
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const p of byKey.get(key) ?? []) for (const next of p.runtime) if (!seen.has(next)) queue.push(next);
  }
  return seen;
}
