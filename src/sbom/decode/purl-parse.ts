import type { PackageURL } from 'packageurl-js';
import { packageUrl } from '../../core/package-url-module.js';
import type { Ecosystem } from '../../core/model.js';

/** A purl longer than this is not a package's (the longest real ones, Go module paths with qualifiers, are < 1 KiB). */
const MAX_PURL_LENGTH = 4096;

const ECOSYSTEM_OF_TYPE: Readonly<Record<string, Ecosystem>> = {
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
  npm: 'npm',
  pypi: 'pypi',
  maven: 'maven',
  golang: 'golang',
  cargo: 'cargo',
  gem: 'gem',
  composer: 'composer',
  nuget: 'nuget',
};

export interface ParsedPurl {
  ecosystem: Ecosystem;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Readonly<Record<string, string>>;
}

export type PurlResult = { ok: true; purl: ParsedPurl } | { ok: false; reason: string };

/** Parse a purl of one of grout's ecosystems; anything else (garbage, another type) is a reason, never a throw. */
export function parsePurl(text: string): PurlResult {
  if (text.length > MAX_PURL_LENGTH) return { ok: false, reason: `purl longer than ${MAX_PURL_LENGTH} characters` };
  let parsed: PackageURL;
  try {
    parsed = packageUrl().PackageURL.fromString(text);
  } catch (err) {
    return { ok: false, reason: `invalid purl ${JSON.stringify(clip(text))}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const type = String(parsed.type).toLowerCase();
  const ecosystem = Object.hasOwn(ECOSYSTEM_OF_TYPE, type) ? ECOSYSTEM_OF_TYPE[type] : undefined;
  if (ecosystem === undefined) return { ok: false, reason: `purl type "${clip(type)}" is not an ecosystem grout matches` };
  const name = typeof parsed.name === 'string' ? parsed.name : '';
  if (name.length === 0) return { ok: false, reason: `purl ${JSON.stringify(clip(text))} has no name` };
  const qualifiers: Record<string, string> = {};
  const raw: unknown = parsed.qualifiers;
  if (typeof raw === 'object' && raw !== null) {
    for (const [key, value] of Object.entries(raw)) if (typeof value === 'string' && value.length > 0) qualifiers[key] = value;
  }
  const out: ParsedPurl = { ecosystem, name, qualifiers };
  if (typeof parsed.namespace === 'string' && parsed.namespace.length > 0) out.namespace = parsed.namespace;
  if (typeof parsed.version === 'string' && parsed.version.length > 0) out.version = parsed.version;
  return { ok: true, purl: out };
}

/** Quote at most 120 characters of hostile text in a message. */
export function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
