import { createHash } from 'node:crypto';

/** Longest readable part kept from the source text before the hash suffix. */
const MAX_READABLE = 64;

/**
 * An SPDX `idstring` (`[A-Za-z0-9.-]+`, SPDX 2.3 §3.2 and Annex D) derived deterministically from any text.
 * Text that is already a short idstring is kept as is; anything else is reduced to the allowed characters and gets
 * a suffix from its sha256, so two different texts never share an id (`bash:amd64` → `bash-amd64-3f1c…`).
 */
export function toIdString(text: string): string {
  // Letters with diacritics keep their base letter (ü → u) before the rest is reduced to '-'.
  const cleaned = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (cleaned === text && text.length > 0 && text.length <= MAX_READABLE) return text;
  const hash = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
  const readable = cleaned.slice(0, MAX_READABLE).replace(/-+$/, '');
  return readable.length > 0 ? `${readable}-${hash}` : hash;
}

/** `SPDXRef-Package-<idstring of the package id>`. */
export function packageSpdxId(packageId: string): string {
  return `SPDXRef-Package-${toIdString(packageId)}`;
}

/** `LicenseRef-<idstring>` for a licence text that is not an SPDX expression. */
export function licenseRefFor(text: string): string {
  return `LicenseRef-${toIdString(text)}`;
}
