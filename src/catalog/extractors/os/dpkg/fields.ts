/**
 * Interpreting single dpkg/opkg status fields. Pure functions over strings; every length is bounded because the
 * values come from the image.
 */
import type { FileDigest, SourcePackage } from '../../../../core/model.js';

/** Longest package name, version or architecture accepted (dpkg itself has no limit; real ones are < 100). */
export const maxTokenLength = 256;
/** Longest free-text value kept in metadata (maintainer, one relation entry). */
export const maxTextLength = 4_096;
/** Most entries kept from one relation field (Depends, Provides…). */
export const maxRelationEntries = 10_000;

// Names, versions, architectures: printable ASCII without space or slash (dpkg allows fewer characters still;
// opkg adds '_'). Names end up in file names, so never a '/'.
const token = /^[!-.0-~]+$/u;

/** A package name, version or architecture that is safe to keep; undefined when empty, too long or malformed. */
export function cleanToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value.length > maxTokenLength) return undefined;
  return token.test(value) ? value : undefined;
}

/** States in which dpkg counts a package as configured (its files are on disk and set up). */
const installedStates = new Set(['installed', 'triggers-pending', 'triggers-awaited']);

export type InstallState = 'installed' | 'not-installed' | 'malformed';

/**
 * Decide from a `Status: want flag state` value. Only the third word counts: `deinstall ok installed` is still on
 * disk (osv-scalibr reports it too), while `deinstall ok config-files`, `install ok unpacked`, `half-installed` and
 * `half-configured` are not configured and are skipped.
 */
export function installState(status: string): InstallState {
  const words = status.split(/\s+/u).filter((w) => w !== '');
  if (words.length !== 3) return 'malformed';
  return installedStates.has(words[2] ?? '') ? 'installed' : 'not-installed';
}

/** Collapse a possibly multi-line field value to one line. */
export function oneLine(value: string): string {
  return value.replace(/\s*\n\s*/gu, ' ').trim();
}

/** Entries of a comma-separated relation field, trimmed, as written: `libc6 (>= 2.34)`, `a | b`. */
export function splitRelations(value: string): string[] {
  const entries: string[] = [];
  for (const raw of oneLine(value).split(',')) {
    const entry = raw.trim();
    if (entry === '' || entry.length > maxTextLength) continue;
    entries.push(entry);
    if (entries.length >= maxRelationEntries) break;
  }
  return entries;
}

/**
 * Package names of relation entries: every alternative of `a | b` counts (the catalog keeps the ones installed),
 * with version constraints `(>= 1)`, architecture lists `[amd64]`, build profiles `<!nocheck>` and multi-arch
 * qualifiers `:any` removed. Unique, in order of appearance.
 */
export function relationNames(entries: readonly string[]): string[] {
  const names = new Set<string>();
  for (const entry of entries) {
    for (const alternative of entry.split('|')) {
      const match = /^\s*([^\s(<\[:|]+)/u.exec(alternative);
      const name = cleanToken(match?.[1]);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names];
}

/**
 * The source package: `Source: name` or `Source: name (version)`; when absent the binary package is its own source,
 * and the source version defaults to the binary version (as dpkg-query's ${source:Package} and ${source:Version}).
 */
export function parseSource(value: string | undefined, name: string, version: string): SourcePackage {
  const match = value === undefined ? null : /^([^\s(]+)(?:\s*\(\s*([^()\s]+)\s*\))?/u.exec(oneLine(value));
  const sourceName = cleanToken(match?.[1]) ?? name;
  const sourceVersion = cleanToken(match?.[2]) ?? version;
  return { name: sourceName, version: sourceVersion };
}

const unitBytes: Record<string, number> = {
  b: 1,
  k: 1_000,
  kb: 1_000,
  ki: 1_024,
  kib: 1_024,
  m: 1_000_000,
  mb: 1_000_000,
  mi: 1_048_576,
  mib: 1_048_576,
  g: 1_000_000_000,
  gb: 1_000_000_000,
  gi: 1_073_741_824,
  gib: 1_073_741_824,
};

/**
 * `Installed-Size` in KiB. dpkg writes a bare number of KiB; a value with a unit (`4KB`, `1 MiB`, seen in hand-made
 * distroless entries) is converted to KiB, rounded up. Undefined for anything else or beyond 2^53.
 */
export function parseInstalledSize(value: string): number | undefined {
  const text = value.trim();
  if (/^\d{1,15}$/u.test(text)) return Number(text);
  const match = /^(\d{1,15}(?:\.\d{1,6})?)\s*([a-z]{1,3})$/iu.exec(text);
  const factor = match === null ? undefined : unitBytes[(match[2] ?? '').toLowerCase()];
  if (match === null || factor === undefined) return undefined;
  const kib = Math.ceil((Number(match[1]) * factor) / 1_024);
  return Number.isSafeInteger(kib) ? kib : undefined;
}

/** A hex digest as a FileDigest, the algorithm told by its length; undefined for anything else (`newconffile`). */
export function hexDigest(value: string): FileDigest | undefined {
  if (!/^[0-9a-f]+$/iu.test(value)) return undefined;
  const algorithm =
    value.length === 32 ? 'md5' : value.length === 40 ? 'sha1' : value.length === 64 ? 'sha256' : value.length === 128 ? 'sha512' : undefined;
  return algorithm === undefined ? undefined : { algorithm, value: value.toLowerCase() };
}
