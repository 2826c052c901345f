/**
 * deb822 paragraphs as dpkg and opkg write them (`Field: value`, continuation lines start with a space or tab,
 * paragraphs end at a blank line). See deb-control(5) and https://www.debian.org/doc/debian-policy/ch-controlfields.html.
 */

/** One paragraph: field names lower-cased (they are case-insensitive), values trimmed. */
export interface Stanza {
  /** 1-based line number of the first field, for messages. */
  line: number;
  /** Continuation lines are joined to their field with "\n", each one trimmed. */
  fields: Map<string, string>;
}

export interface StanzaLimits {
  /** Stop reading the file after this many paragraphs. */
  maxStanzas: number;
  /** Ignore fields of one paragraph past this many. */
  maxFields: number;
}

export const defaultStanzaLimits: StanzaLimits = { maxStanzas: 200_000, maxFields: 1_000 };

// Printable ASCII except space and colon (deb822 field names); dpkg also refuses a leading '#' or '-'.
const fieldName = /^[!-9;-~]+$/;

/**
 * Split deb822 text into paragraphs. Never throws: malformed lines are reported with their line number and skipped.
 * CRLF line ends and any number of blank lines between or after paragraphs are accepted.
 */
export function parseStanzas(
  text: string,
  report: (reason: string) => void,
  limits: StanzaLimits = defaultStanzaLimits,
): Stanza[] {
  const stanzas: Stanza[] = [];
  let fields: Map<string, string> | undefined;
  let firstLine = 0;
  // The field a continuation line belongs to; null: ignore continuations (the field itself was dropped).
  let lastKey: string | null | undefined;
  let fieldsCapped = false;
  let lineNo = 0;
  let pos = 0;

  const finish = (): void => {
    if (fields !== undefined && fields.size > 0) stanzas.push({ line: firstLine, fields });
    fields = undefined;
    lastKey = undefined;
    fieldsCapped = false;
  };

  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo += 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (line.trim() === '') {
      finish();
      if (stanzas.length >= limits.maxStanzas) {
        if (/\S/.test(text.slice(pos))) report(`more than ${limits.maxStanzas} paragraphs; stopped reading at line ${lineNo}`);
        break;
      }
      continue;
    }

    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (lastKey === null) continue;
      if (fields === undefined || lastKey === undefined) {
        report(`line ${lineNo}: continuation line without a field before it`);
        continue;
      }
      fields.set(lastKey, `${fields.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }

    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!fieldName.test(name) || name.startsWith('#') || name.startsWith('-')) {
      report(`line ${lineNo}: not a "Field: value" line`);
      lastKey = null;
      continue;
    }
    if (fields === undefined) {
      fields = new Map();
      firstLine = lineNo;
    }
    const key = name.toLowerCase();
    if (fields.has(key)) {
      report(`line ${lineNo}: duplicate field ${name}; the first one is kept`);
      lastKey = null;
      continue;
    }
    if (fields.size >= limits.maxFields) {
      if (!fieldsCapped) report(`line ${lineNo}: paragraph has more than ${limits.maxFields} fields; the rest are ignored`);
      fieldsCapped = true;
      lastKey = null;
      continue;
    }
    fields.set(key, line.slice(colon + 1).trim());
    lastKey = key;
  }
  finish();
  return stanzas;
}
