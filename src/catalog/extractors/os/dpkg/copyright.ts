/**
 * Licences named in `usr/share/doc/<pkg>/copyright`: the `License:` fields of a machine-readable file
 * (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/) and references to
 * `/usr/share/common-licenses/<name>`, which older free-form files use. Short names as written (`GPL-2+`).
 */

/** Only the first MiB of a copyright file is read. */
export const maxCopyrightBytes = 1_048_576;
const maxLicenses = 100;
const maxLicenseLength = 128;

export function licensesFromCopyright(content: Buffer): string[] {
  const text = content.subarray(0, maxCopyrightBytes).toString('utf8');
  const found = new Set<string>();
  const add = (name: string): void => {
    const license = name.trim();
    if (license !== '' && license.length <= maxLicenseLength && found.size < maxLicenses) found.add(license);
  };
  for (const match of text.matchAll(/^License:[ \t]*([^\r\n]*)/gmu)) add(match[1] ?? '');
  for (const match of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9+._-]*)/gu)) {
    add((match[1] ?? '').replace(/\.+$/u, ''));
  }
  return [...found].sort();
}
