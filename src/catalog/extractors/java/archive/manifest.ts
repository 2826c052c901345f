/**
 * The main section of a JAR manifest (META-INF/MANIFEST.MF), per the JAR File Specification: `Name: value`
 * headers, lines ended by CRLF, LF or CR, a line starting with one space continues the previous one, and the main
 * section ends at the first blank line. Header names are case-insensitive, so they are kept lower-cased.
 * https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#jar-manifest
 */

/** Main-section attributes, keyed by lower-cased header name; the first occurrence of a header wins. */
export type Manifest = ReadonlyMap<string, string>;

export function parseManifest(text: string): Manifest {
  const attributes = new Map<string, string>();
  let name: string | undefined;
  let value = '';
  const flush = (): void => {
    if (name !== undefined && !attributes.has(name)) attributes.set(name, value.trim());
    name = undefined;
  };
  // Strip a byte-order mark some tools write.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (name !== undefined) value += line.slice(1);
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1).replace(/^ /, '');
  }
  flush();
  return attributes;
}

/** A main-section attribute, or undefined when absent or blank. */
export function attribute(manifest: Manifest | undefined, header: string): string | undefined {
  const value = manifest?.get(header.toLowerCase());
  return value === undefined || value === '' ? undefined : value;
}

/** Splits a comma-separated OSGi header (`a;k=v,"b,c";k=v`) at commas outside double quotes. */
function splitClauses(value: string): string[] {
  const clauses: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      clauses.push(value.slice(start, i));
      start = i + 1;
    }
  }
  clauses.push(value.slice(start));
  return clauses;
}

const MAX_PLUGIN_LICENSES = 100;

/**
 * Licences the manifest declares: OSGi `Bundle-License` (each clause's name, before its `;link=…` parameters) and
 * Jenkins plugin `Plugin-License-Name`, `Plugin-License-Name-1`, `-2`, … (as trivy reads them).
 */
export function manifestLicenses(manifest: Manifest | undefined): string[] {
  const licenses: string[] = [];
  const bundle = attribute(manifest, 'Bundle-License');
  if (bundle !== undefined) {
    for (const clause of splitClauses(bundle)) {
      const name = (clause.split(';')[0] ?? '').trim().replace(/^"(.*)"$/, '$1');
      if (name !== '') licenses.push(name);
    }
  }
  const plugin = attribute(manifest, 'Plugin-License-Name');
  if (plugin !== undefined) licenses.push(plugin);
  for (let n = 1; n <= MAX_PLUGIN_LICENSES; n++) {
    const numbered = attribute(manifest, `Plugin-License-Name-${n}`);
    if (numbered !== undefined) licenses.push(numbered);
  }
  return [...new Set(licenses)];
}
