import type { ExtractedPackage } from '../../../core/model.js';

/**
 * A distribution name normalised per PEP 503 (https://peps.python.org/pep-0503/#normalized-names): lower case, every
 * run of `-`, `_` and `.` replaced by one `-`. `Jinja2` → `jinja2`, `typing_extensions` → `typing-extensions`.
 */
export function normalizeName(name: string): string {
  let out = '';
  let inRun = false;
  for (const ch of name.toLowerCase()) {
    if (ch === '-' || ch === '_' || ch === '.') {
      if (!inRun) out += '-';
      inRun = true;
    } else {
      out += ch;
      inRun = false;
    }
  }
  return out;
}

/** A character of a PEP 508 distribution name (https://peps.python.org/pep-0508/#names): ASCII letters, digits, `._-`. */
export function isNameChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2d || code === 0x2e || code === 0x5f
  );
}

/** PEP 508 names begin and end with a letter or digit. */
export function isValidName(name: string): boolean {
  if (name === '' || name.length > MAX_NAME_LENGTH) return false;
  for (let i = 0; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return isAlnum(name.charCodeAt(0)) && isAlnum(name.charCodeAt(name.length - 1));
}

/** Longest distribution name accepted: PyPI's longest names are well under this. */
export const MAX_NAME_LENGTH = 256;

function isAlnum(code: number): boolean {
  return isNameChar(code) && code !== 0x2d && code !== 0x2e && code !== 0x5f;
}

/**
 * The distribution name a PEP 508 requirement starts with: `cryptography (>=39.0)` → `cryptography`,
 * `pyjwt[crypto]>=2; extra == "x"` → `pyjwt`. Undefined when the text does not start with a valid name.
 */
export function requirementName(requirement: string): string | undefined {
  const text = requirement.trimStart();
  let end = 0;
  while (end < text.length && end <= MAX_NAME_LENGTH && isNameChar(text.charCodeAt(end))) end++;
  const name = text.slice(0, end);
  return isValidName(name) ? name : undefined;
}

/** Sort a file's packages by name, then version (code-unit order, as every extractor does). */
export function sortPackages(packages: ExtractedPackage[]): ExtractedPackage[] {
  return packages.sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
