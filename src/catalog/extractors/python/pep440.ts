/**
 * Is `version` a valid PEP 440 version (https://peps.python.org/pep-0440/#appendix-b-parsing-version-strings-with-regular-expressions)?
 * Accepts the spellings the spec normalises: a leading `v`, `-`/`_`/`.` separators, `alpha`/`beta`/`c`/`pre`/`preview`,
 * `rev`/`r`, implicit post releases (`1.0-1`) and local versions (`+ubuntu1`). Wildcards (`1.*`) are not versions.
 */
export function isValidVersion(version: string): boolean {
  if (version.length === 0 || version.length > MAX_VERSION_LENGTH) return false;
  return VERSION.test(version);
}

/** Longer strings are not versions anyone publishes; bounding them also bounds the regular expression's work. */
const MAX_VERSION_LENGTH = 128;

const RELEASE = '(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*';
const PRE = '(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?';
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const VERSION = new RegExp(`^\\s*v?${RELEASE}${PRE}${POST}${DEV}${LOCAL}\\s*$`, 'i');
