import type * as Toml from 'smol-toml';
import { lazyModule } from '../../../../core/lazy-module.js';
import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';

const toml = lazyModule<typeof Toml>('smol-toml');

const MAX_PACKAGES = 100_000;
const MAX_PROBLEMS = 20;

/**
 * `Cargo.lock` files, every version of the format (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html):
 * - v1 (no `version` key): dependencies written `name version (source)`, checksums in `[metadata]` as
 *   `"checksum name version (source)" = "…"`;
 * - v2, v3, v4 (`version = N`): dependencies written `name`, or `name version` / `name version (source)` only
 *   when ambiguous; the checksum is a field of the package.
 * Every `[[package]]` is reported, workspace members (no `source`) included; `resolved` is the source,
 * `integrity` the checksum, `dependsOn` the dependency names.
 */
export const cargoLockExtractor: FileExtractor = {
  name: 'rust/cargo-lock',
  version: 1,
  maxFileBytes: 16 * 1024 * 1024,
  wants: (path) => path === 'Cargo.lock' || path.endsWith('/Cargo.lock'),
  extractFile(file, ctx) {
    let doc: Record<string, unknown>;
    try {
      doc = toml().parse(file.bytes.toString('utf8'), { maxDepth: 32, unsafeKeyBehaviour: 'drop' });
    } catch (error) {
      ctx.issue(file.path, `Cargo.lock is not valid TOML: ${firstLine(error)}`);
      return [];
    }
    const list = doc['package'] ?? [];
    if (!Array.isArray(list)) {
      ctx.issue(file.path, 'Cargo.lock: "package" is not an array of tables');
      return [];
    }
    if (list.length > MAX_PACKAGES) {
      ctx.issue(file.path, `Cargo.lock: ${list.length} packages is implausible`);
      return [];
    }
    let problems = 0;
    const problem = (message: string): void => {
      if (problems++ < MAX_PROBLEMS) ctx.issue(file.path, `Cargo.lock: ${message}`);
    };
    const checksums = v1Checksums(doc['metadata']);

    const out: ExtractedPackage[] = [];
    list.forEach((raw: unknown, index) => {
      if (!isObject(raw)) return problem(`package ${index + 1} is not a table`);
      const name = raw['name'];
      const version = raw['version'];
      if (typeof name !== 'string' || name === '') return problem(`package ${index + 1} has no name; skipped`);
      if (typeof version !== 'string' || version === '') return problem(`package ${name} has no version; skipped`);
      const source = typeof raw['source'] === 'string' ? raw['source'] : undefined;
      const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
      if (source !== undefined) metadata.resolved = source;
      const checksum = typeof raw['checksum'] === 'string' ? raw['checksum'] : checksums.get(`${name} ${version} (${source ?? ''})`);
      if (checksum !== undefined) metadata.integrity = checksum;
      const pkg: ExtractedPackage = { ecosystem: 'cargo', name, version, licenses: [], evidence: file.path, metadata };

      const deps = raw['dependencies'];
      if (deps !== undefined && !Array.isArray(deps)) problem(`package ${name} ${version}: "dependencies" is not an array`);
      const names = new Set<string>();
      for (const dep of Array.isArray(deps) ? deps : []) {
        const depName = typeof dep === 'string' ? dep.trim().split(' ', 1)[0] : undefined;
        if (depName) names.add(depName);
        else problem(`package ${name} ${version}: dependency ${JSON.stringify(dep)?.slice(0, 60)} is not a name`);
      }
      if (names.size > 0) pkg.dependsOn = [...names].sort();
      out.push(pkg);
    });
    if (problems > MAX_PROBLEMS) ctx.issue(file.path, `Cargo.lock: ${problems - MAX_PROBLEMS} more problems not listed`);
    return out.sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version));
  },
};

/** v1 `[metadata]`: `"checksum name version (source)" = "hash"`, keyed here by `name version (source)`. */
function v1Checksums(metadata: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isObject(metadata)) return out;
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith('checksum ') && typeof value === 'string') out.set(key.slice('checksum '.length), value);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
