/**
 * Version schemes (one per ecosystem) and the OSV range evaluator. Every scheme is tested against the upstream
 * vectors in peer-fixtures/version-compare and OSV's tables in vulndata/version-compare.
 */
export type { SchemeName, VersionScheme } from './version-scheme.js';
export { apkScheme } from './apk.js';
export { composerScheme } from './composer.js';
export { debScheme } from './deb.js';
export { gemScheme } from './gem.js';
export { goScheme } from './go.js';
export { mavenScheme } from './maven.js';
export { nugetScheme } from './nuget.js';
export { pep440Scheme } from './pep440.js';
export { rpmScheme } from './rpm.js';
export { semverScheme } from './semver.js';
export { evaluateOsvAffected, type OsvAffectedVersions, type OsvEvent, type OsvRange, type OsvVerdict, type RangeSchemes } from './osv-range.js';
