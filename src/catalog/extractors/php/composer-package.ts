/**
 * One package entry as Composer writes it in `composer.lock` (`packages`, `packages-dev`) and in
 * `vendor/composer/installed.json`: name, version, licence, `require`, source/dist.
 * https://getcomposer.org/doc/04-schema.md
 */
import type { ExtractedPackage, LanguageMetadata } from '../../../core/model.js';
import type { FileExtractContext } from '../../extractor.js';

const maxNameLength = 256;
const maxVersionLength = 256;
const maxLicenses = 64;
const maxRequires = 4096;
/** Most entries read from one file. */
export const maxPackages = 100_000;
/** Bad entries reported one by one before the rest are summed up, so a hostile file cannot flood the issues. */
const maxEntryIssues = 10;
// `vendor/name`: Composer requires lower-case `[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*` parts, but older packages and
// installed.json files carry upper-case names, so the check is only on the shape.
const packageName = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** An entry that is not usable, with the reason. */
export interface Rejected {
  reason: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max ? value.trim() : undefined;
}

/**
 * `license` is an array (each entry one choice: `["MIT", "GPL-2.0-only"]` is MIT or GPL), kept entry by entry as
 * Composer itself reports them (`composer licenses`), or a bare string. A bare string that says the same with `or`
 * (`"MIT or BSD-2-Clause"`) becomes the array form, as trivy does; a conjunction (`and`) or a nested expression is
 * kept whole, since its parts do not each apply alone.
 */
export function composerLicenses(value: unknown): string[] {
  const out: string[] = [];
  const add = (license: string): void => {
    const text = license.trim();
    if (text !== '' && text.length <= maxNameLength && !out.includes(text) && out.length < maxLicenses) out.push(text);
  };
  if (Array.isArray(value)) {
    for (const entry of value.slice(0, maxLicenses)) if (typeof entry === 'string') add(entry);
  } else if (typeof value === 'string') {
    let text = value.trim();
    if (text.startsWith('(') && text.endsWith(')') && !text.slice(1, -1).includes('(')) text = text.slice(1, -1).trim();
    if (/ and /i.test(text) || text.includes('(')) add(value);
    else for (const part of text.split(/ or /i)) add(part);
  }
  return out;
}

/** Names under `require` that are packages (`vendor/name`), not platform requirements (`php`, `ext-json`, `lib-icu`). */
function requiredPackages(value: unknown): string[] {
  if (!isRecord(value)) return [];
  return Object.keys(value)
    .slice(0, maxRequires)
    .filter((name) => name.length <= maxNameLength && packageName.test(name));
}

/**
 * Read one entry. `dependsOn` is filled later by the caller, which knows the other packages of the file; the
 * required names are returned beside the package.
 */
export function readComposerPackage(
  entry: unknown,
  evidence: string,
  origin: LanguageMetadata['origin'],
): ReadEntry | Rejected {
  if (!isRecord(entry)) return { reason: 'a package entry is not an object' };
  const name = nonEmptyString(entry['name'], maxNameLength);
  if (name === undefined) return { reason: 'a package entry has no name' };
  if (!packageName.test(name)) return { reason: `invalid package name ${JSON.stringify(name.slice(0, 80))}` };
  const version = nonEmptyString(entry['version'], maxVersionLength);
  if (version === undefined) return { reason: `package ${name} has no version` };
  const metadata: LanguageMetadata = { kind: 'language', origin };
  const dist = isRecord(entry['dist']) ? entry['dist'] : undefined;
  const source = isRecord(entry['source']) ? entry['source'] : undefined;
  const resolved = nonEmptyString(dist?.['url'], 4096) ?? nonEmptyString(source?.['url'], 4096);
  if (resolved !== undefined) metadata.resolved = resolved;
  const shasum = nonEmptyString(dist?.['shasum'], 256);
  if (shasum !== undefined) metadata.integrity = shasum;
  const pkg: ExtractedPackage = {
    ecosystem: 'composer',
    name,
    version,
    licenses: composerLicenses(entry['license']),
    evidence,
    metadata,
  };
  return { pkg, requires: requiredPackages(entry['require']) };
}

export interface ReadEntry {
  pkg: ExtractedPackage;
  requires: string[];
}

/** Read a list of entries; a bad entry is an issue and the others go on. */
export function readEntries(list: readonly unknown[], path: string, origin: LanguageMetadata['origin'], ctx: FileExtractContext): ReadEntry[] {
  const out: ReadEntry[] = [];
  let rejected = 0;
  for (const entry of list.slice(0, maxPackages)) {
    const result = readComposerPackage(entry, path, origin);
    if ('reason' in result) {
      if (rejected++ < maxEntryIssues) ctx.issue(path, result.reason);
      continue;
    }
    out.push(result);
  }
  if (rejected > maxEntryIssues) ctx.issue(path, `${rejected - maxEntryIssues} more bad package entries skipped`);
  return out;
}

/** Point each package's `dependsOn` at the required names that are packages of the same file (sorted). */
export function linkRequires(read: readonly ReadEntry[]): void {
  // Composer names are case-insensitive; the catalog resolves by the name as written, so use the present spelling.
  const spelling = new Map(read.map((r) => [r.pkg.name.toLowerCase(), r.pkg.name]));
  for (const { pkg, requires } of read) {
    const deps = new Set<string>();
    for (const required of requires) {
      const present = spelling.get(required.toLowerCase());
      if (present !== undefined && present !== pkg.name) deps.add(present);
    }
    if (deps.size > 0) pkg.dependsOn = [...deps].sort();
  }
}

/** Sort by name, then version. */
export function sortPackages(packages: ExtractedPackage[]): ExtractedPackage[] {
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

export { isRecord };
