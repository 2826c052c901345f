/**
 * The header part of a Python core-metadata file (`METADATA`, `PKG-INFO`), an RFC 822 style message
 * (https://packaging.python.org/en/latest/specifications/core-metadata/): `Key: value` lines, continuation lines
 * starting with a space or a tab, and after the first empty line a body (the long description) that is not read.
 * A line that is neither a header nor a continuation ends the headers too, as Python's email parser does.
 */
export interface CoreMetadata {
  /** Values by lower-case field name, in file order; continuation lines joined with one space. */
  fields: Map<string, string[]>;
}

/** More header lines than any real metadata file has; the 1 MiB file cap bounds this anyway. */
const MAX_HEADER_LINES = 100_000;

export function parseCoreMetadata(text: string): CoreMetadata {
  const fields = new Map<string, string[]>();
  let current: { values: string[]; index: number } | undefined;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let lineNo = 0; start < text.length && lineNo < MAX_HEADER_LINES; lineNo++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') break;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (!current) break;
      const more = line.trim();
      if (more !== '') {
        const before = current.values[current.index] ?? '';
        current.values[current.index] = before === '' ? more : `${before} ${more}`;
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !isFieldName(line, colon)) break;
    const key = line.slice(0, colon).toLowerCase();
    const values = fields.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    fields.set(key, values);
    current = { values, index: values.length - 1 };
  }
  return { fields };
}

/** RFC 5322 field names: printable ASCII except the colon (which ends them) and the space. */
function isFieldName(line: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** The first non-empty value of a field. */
export function field(meta: CoreMetadata, name: string): string | undefined {
  return meta.fields.get(name)?.find((v) => v !== '');
}

/** Every non-empty value of a field. */
export function fieldValues(meta: CoreMetadata, name: string): string[] {
  return (meta.fields.get(name) ?? []).filter((v) => v !== '');
}
