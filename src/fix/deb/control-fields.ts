/**
 * One deb822 paragraph (a .deb's `control` file, one status paragraph), kept as written: field order and the exact
 * text of each field, so re-rendering changes nothing that was not asked for. See deb-control(5).
 */

export interface ControlField {
  /** As written (case preserved). */
  name: string;
  /** The first line's value (trimmed), then each continuation line as written, joined by "\n". */
  value: string;
}

const FIELD_NAME = /^[!-9;-~][!-9;-~]*$/;

/**
 * Parse the first paragraph of `text`. Lines that are neither `Name: value` nor continuations are reported and
 * skipped; the parser never throws.
 */
export function parseControlParagraph(text: string, report: (reason: string) => void = () => {}): ControlField[] {
  const fields: ControlField[] = [];
  let lineNo = 0;
  for (const rawLine of text.split('\n')) {
    lineNo += 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') {
      if (fields.length > 0) break;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = fields.at(-1);
      if (last === undefined) report(`line ${lineNo}: continuation line without a field`);
      else last.value += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!FIELD_NAME.test(name) || name.startsWith('#') || name.startsWith('-')) {
      report(`line ${lineNo}: not a "Field: value" line`);
      continue;
    }
    fields.push({ name, value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/** A field's value by case-insensitive name (first line only for single-line use: call `.trim()` yourself). */
export function fieldValue(fields: readonly ControlField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower)?.value;
}

/** Render fields as a paragraph (no trailing blank line). A value starting with "\n" puts nothing after the colon. */
export function renderParagraph(fields: readonly ControlField[]): string {
  return fields.map((f) => (f.value.startsWith('\n') || f.value === '' ? `${f.name}:${f.value}` : `${f.name}: ${f.value}`)).join('\n') + '\n';
}
