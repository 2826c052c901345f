/**
 * The package URL of an image, `pkg:oci/<name>@<digest>?<qualifiers>`, written here rather than with packageurl-js
 * so that a warm `grout sbom` need not load that library (sbom/image-naming.ts builds the one purl such a run
 * needs). It gives exactly what `new PackageURL('oci', undefined, name, version, qualifiers).toString()` of
 * packageurl-js 2 gives, or undefined where that throws (oci-purl.test.ts holds it to that):
 * - the name is trimmed, must not then be empty, and is lower-cased (the `oci` type's rule), then percent-encoded;
 * - the version is trimmed and percent-encoded except `:` and `+`;
 * - qualifier values are trimmed, empty ones dropped, and the rest written in key order as
 *   application/x-www-form-urlencoded with `%20` for a space;
 * - text that is not well-formed UTF-16 (a lone surrogate) cannot be percent-encoded: no purl.
 * Qualifier keys are the caller's constants (lower-case letters and `_`), not checked here.
 */
export function ociPurl(name: string, version: string, qualifiers: Readonly<Record<string, string>>): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  const params = new URLSearchParams();
  for (const key of Object.keys(qualifiers).sort()) {
    const value = qualifiers[key]!.trim();
    if (value !== '') params.set(key, value);
  }
  const query = params.toString().replace(/\+/g, '%20');
  const v = version.trim();
  try {
    const encodedVersion = v === '' ? '' : `@${encodeURIComponent(v).replace(/%3A/g, ':').replace(/%2B/g, '+')}`;
    return `pkg:oci/${encodeURIComponent(trimmed.toLowerCase())}${encodedVersion}${query === '' ? '' : `?${query}`}`;
  } catch {
    return undefined;
  }
}
