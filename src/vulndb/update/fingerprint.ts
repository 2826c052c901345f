/**
 * A feed's fingerprint: what identifies the bytes it was last loaded from (sha256, and the server's ETag /
 * Last-Modified for conditional requests) plus the parser that read them. Stored as one readable string,
 * `sha256=…;etag=…;modified=…;parser=osv@1`, values URI-encoded.
 */
export interface Fingerprint {
  sha256?: string;
  etag?: string;
  lastModified?: string;
  /** `<format>@<handler version>`: a parser change must reload the feed even when the bytes did not change. */
  parser?: string;
}

const KEYS = [
  ['sha256', 'sha256'],
  ['etag', 'etag'],
  ['lastModified', 'modified'],
  ['parser', 'parser'],
] as const;

export function encodeFingerprint(fingerprint: Fingerprint): string {
  const parts: string[] = [];
  for (const [field, key] of KEYS) {
    const value = fingerprint[field];
    if (value !== undefined && value !== '') parts.push(`${key}=${encodeURIComponent(value)}`);
  }
  return parts.join(';');
}

/** Lenient: an unknown or damaged part is ignored (the feed is then simply downloaded again). */
export function decodeFingerprint(text: string | undefined): Fingerprint {
  const result: Fingerprint = {};
  if (text === undefined) return result;
  for (const part of text.split(';').slice(0, 16)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      continue;
    }
    const field = KEYS.find(([, k]) => k === key)?.[0];
    if (field !== undefined && value !== '') result[field] = value;
  }
  return result;
}
