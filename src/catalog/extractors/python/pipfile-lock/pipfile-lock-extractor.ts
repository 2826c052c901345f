import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { sortPackages } from '../pypi-names.js';
import { withoutCredentials } from '../redact-url.js';
import { isTable, MAX_LOCK_PACKAGES, ProblemLog } from '../toml-lock.js';

/**
 * `Pipfile.lock` (pipenv, https://pipenv.pypa.io/en/latest/pipfile.html): the `default` and `develop` sections,
 * each mapping a name to `{ "version": "==1.2.3", … }`; the version is read without its `==`. A package only in
 * `develop` is `dev`. Entries without a version are the project itself (`"path": "."`, editable; skipped silently)
 * or git/file requirements pinned by a ref, which name no release (skipped with an issue).
 * A `file` URL is kept as `resolved`. The lock is flat: which packages are direct is in the Pipfile, so `direct` is not set, and there are no edges.
 */
export const pipfileLockExtractor: FileExtractor = {
  name: 'python/pipfile-lock',
  version: 1,
  maxFileBytes: 16 * 1024 * 1024,
  wants: (path) => path === 'Pipfile.lock' || path.endsWith('/Pipfile.lock'),
  extractFile(file, ctx) {
    let doc: unknown;
    try {
      doc = JSON.parse(file.bytes.toString('utf8'));
    } catch (error) {
      ctx.issue(file.path, `Pipfile.lock is not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`);
      return [];
    }
    if (!isTable(doc)) {
      ctx.issue(file.path, 'Pipfile.lock is not a JSON object');
      return [];
    }
    const problems = new ProblemLog((reason) => ctx.issue(file.path, reason), 'Pipfile.lock');
    const byKey = new Map<string, ExtractedPackage>();
    for (const section of ['default', 'develop'] as const) {
      const entries = doc[section];
      if (entries === undefined) continue;
      if (!isTable(entries)) {
        problems.add(`"${section}" is not an object`);
        continue;
      }
      const names = Object.keys(entries);
      if (names.length > MAX_LOCK_PACKAGES) {
        problems.add(`"${section}" has ${names.length} packages, which is implausible; skipped`);
        continue;
      }
      for (const name of names) {
        const entry = entries[name];
        if (name === '' || !isTable(entry)) {
          problems.add(`${section}: entry ${JSON.stringify(name.slice(0, 60))} is not a package object; skipped`);
          continue;
        }
        const raw = entry['version'];
        const version = typeof raw === 'string' ? raw.replace(/^=+/, '').trim() : '';
        if (version === '') {
          if (entry['path'] === undefined && entry['editable'] !== true) {
            problems.add(`${section}: ${name} has no version${typeof entry['git'] === 'string' ? ' (a git requirement)' : ''}; skipped`);
          }
          continue;
        }
        const key = `${name}\0${version}`;
        if (byKey.has(key)) continue;
        const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
        if (section === 'develop') metadata.dev = true;
        if (typeof entry['file'] === 'string') metadata.resolved = withoutCredentials(entry['file']);
        byKey.set(key, { ecosystem: 'pypi', name, version, licenses: [], evidence: file.path, metadata });
      }
    }
    problems.finish();
    return sortPackages([...byKey.values()]);
  },
};
