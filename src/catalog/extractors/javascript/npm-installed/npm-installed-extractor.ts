import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { dependencyNames, parseJsonObject, stringField } from '../common/json-value.js';
import { compareText } from '../common/finish-packages.js';
import { nameFromLocation, isInstalledManifest } from '../common/npm-paths.js';
import { npmLicenses } from '../common/npm-license.js';
import { shown } from '../common/locked-package.js';

const MAX_NAME_CHARS = 214; // npm's own limit for a package name
const MAX_VERSION_CHARS = 256;
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Installed npm packages: the `package.json` of each package folder under a `node_modules` directory, at any
 * depth (nested copies are distinct packages with distinct evidence), including the global folders
 * `usr/lib/node_modules` and `usr/local/lib/node_modules`, and pnpm's `node_modules/.pnpm/<id>/node_modules/<name>`.
 * The name is the manifest's own (an alias folder `node_modules/x` holding `y` reports `y`); when the manifest has
 * none, the folder name.
 */
export const npmInstalledExtractor: FileExtractor = {
  name: 'javascript/npm-installed',
  version: 1,
  maxFileBytes: MAX_MANIFEST_BYTES,
  wants: (path) => isInstalledManifest(path),
  extractFile(file, ctx) {
    if (file.bytes.length > MAX_MANIFEST_BYTES) {
      ctx.issue(file.path, `package.json: ${file.bytes.length} bytes exceeds the ${MAX_MANIFEST_BYTES}-byte cap; not read`);
      return [];
    }
    const parsed = parseJsonObject(file.bytes);
    if ('error' in parsed) {
      ctx.issue(file.path, `package.json: ${parsed.error}`);
      return [];
    }
    const manifest = parsed.value;
    const location = file.path.slice(0, -'/package.json'.length);
    const name = stringField(manifest, 'name') ?? nameFromLocation(location);
    const version = stringField(manifest, 'version');
    if (name === undefined || name.length > MAX_NAME_CHARS) {
      ctx.issue(file.path, 'package.json: no usable package name; skipped');
      return [];
    }
    if (version === undefined || version.length > MAX_VERSION_CHARS) {
      ctx.issue(file.path, `package.json: package ${shown(name)} has no usable version; skipped`);
      return [];
    }
    const metadata: LanguageMetadata = { kind: 'language', origin: 'installed' };
    // npm before v7 wrote where the package came from into the installed manifest.
    const resolved = stringField(manifest, '_resolved');
    const integrity = stringField(manifest, '_integrity');
    if (resolved !== undefined) metadata.resolved = resolved;
    if (integrity !== undefined) metadata.integrity = integrity;
    const dependsOn = [...new Set([...dependencyNames(manifest, 'dependencies'), ...dependencyNames(manifest, 'optionalDependencies')])].sort(compareText);
    const pkg: ExtractedPackage = {
      ecosystem: 'npm',
      name,
      version,
      licenses: npmLicenses(manifest),
      evidence: file.path,
      metadata,
    };
    if (dependsOn.length > 0) pkg.dependsOn = dependsOn;
    return [pkg];
  },
};
