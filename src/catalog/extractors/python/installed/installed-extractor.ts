import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { field, parseCoreMetadata } from './core-metadata.js';
import { declaredLicenses } from './licenses.js';
import { requiredNames } from './requires-dist.js';

/** Names and versions longer than this are not real metadata. */
const MAX_FIELD_LENGTH = 512;

/**
 * Installed Python distributions, one per core-metadata file found directly in a `site-packages` or
 * `dist-packages` directory (any prefix: the system Python, `/usr/local`, virtualenvs, `/opt/...`):
 * - `<name>-<version>.dist-info/METADATA` (wheels, PEP 376/627);
 * - `<name>.egg-info/PKG-INFO` and a bare `<name>.egg-info` file (setuptools, distutils);
 * - `<name>.egg/EGG-INFO/PKG-INFO` (unzipped eggs).
 * Copies vendored deeper inside a package (`setuptools/_vendor/x.dist-info`) are not importable distributions
 * and are not picked, as `pip list` does not list them. `dependsOn` holds the `Requires-Dist` names, PEP 503
 * normalised.
 */
export const pythonInstalledExtractor: FileExtractor = {
  name: 'python/installed',
  version: 1,
  maxFileBytes: 1024 * 1024,
  wants: (path) => isInstalledMetadataPath(path),
  extractFile(file, ctx) {
    const meta = parseCoreMetadata(file.bytes.toString('utf8'));
    const name = field(meta, 'name');
    const version = field(meta, 'version');
    if (name === undefined || version === undefined) {
      const missing = [name === undefined ? 'Name' : '', version === undefined ? 'Version' : ''].filter(Boolean).join(' and ');
      ctx.issue(file.path, `Python core metadata has no ${missing} field; skipped`);
      return [];
    }
    if (name.length > MAX_FIELD_LENGTH || version.length > MAX_FIELD_LENGTH) {
      ctx.issue(file.path, `Python core metadata: Name or Version longer than ${MAX_FIELD_LENGTH} characters; skipped`);
      return [];
    }
    const metadata: LanguageMetadata = { kind: 'language', origin: 'installed' };
    const pkg: ExtractedPackage = { ecosystem: 'pypi', name, version, licenses: declaredLicenses(meta), evidence: file.path, metadata };
    const dependsOn = requiredNames(meta);
    if (dependsOn.length > 0) pkg.dependsOn = dependsOn;
    return [pkg];
  },
};

/** Is `path` a core-metadata file of a distribution installed directly in a site-packages/dist-packages directory? */
export function isInstalledMetadataPath(path: string): boolean {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return false;
  const base = path.slice(slash + 1);
  const dir = path.slice(0, slash);
  if (base === 'METADATA') return dir.endsWith('.dist-info') && isSitePackages(parentOf(dir));
  if (base === 'PKG-INFO') {
    if (dir.endsWith('.egg-info')) return isSitePackages(parentOf(dir));
    if (dir.endsWith('/EGG-INFO')) {
      const egg = parentOf(dir);
      return egg.endsWith('.egg') && isSitePackages(parentOf(egg));
    }
    return false;
  }
  return base.endsWith('.egg-info') && base.length > '.egg-info'.length && isSitePackages(dir);
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function isSitePackages(dir: string): boolean {
  return (
    dir === 'site-packages' || dir === 'dist-packages' || dir.endsWith('/site-packages') || dir.endsWith('/dist-packages')
  );
}
