/** JSON of a Composer file, or the reason it is not JSON. */
export function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // SyntaxError for bad JSON; RangeError when nesting exhausts the parser's stack.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `invalid JSON: ${detail.slice(0, 200)}` };
  }
}
