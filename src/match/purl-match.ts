/**
 * Does a package URL given by the user (an ignore rule, a VEX product) name a finding's package? Compared on
 * type, namespace and name; on version when the given purl has one; and on a qualifier only when both purls carry
 * it (so `?arch=arm64` excludes an amd64 package, but a purl without `distro=` still matches).
 */
import type { PackageURL } from 'packageurl-js';
import { packageUrl } from '../core/package-url-module.js';

export function parsePurl(text: string): PackageURL | undefined {
  if (typeof text !== 'string' || !text.startsWith('pkg:') || text.length > 4096) return undefined;
  try {
    return packageUrl().PackageURL.fromString(text);
  } catch {
    // packageurl-js throws on malformed purls; the caller reports the purl as invalid.
    return undefined;
  }
}

export function purlMatches(pattern: PackageURL, purl: string): boolean {
  const target = parsePurl(purl);
  if (target === undefined) return false;
  if (pattern.type.toLowerCase() !== target.type.toLowerCase()) return false;
  if (normalise(pattern.type, pattern.namespace ?? '') !== normalise(target.type, target.namespace ?? '')) return false;
  if (normalise(pattern.type, pattern.name) !== normalise(target.type, target.name)) return false;
  if (pattern.version !== undefined && pattern.version !== null && pattern.version !== '' && pattern.version !== target.version) return false;
  const wanted = pattern.qualifiers ?? {};
  const have = target.qualifiers ?? {};
  for (const [key, value] of Object.entries(wanted)) {
    const other = (have as Record<string, string | undefined>)[key];
    if (other !== undefined && other !== value) return false;
  }
  return true;
}

/** Names whose registries fold case (and PyPI its separators) compare folded. */
function normalise(type: string, text: string): string {
  switch (type.toLowerCase()) {
    case 'pypi':
      return text.toLowerCase().replace(/[-_.]+/g, '-');
    case 'nuget':
    case 'composer':
    case 'cargo':
    case 'github':
    case 'deb':
    case 'apk':
      return text.toLowerCase();
    default:
      return text;
  }
}
