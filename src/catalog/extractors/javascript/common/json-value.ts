/** Narrowing helpers for parsed JSON/YAML of unknown shape: hostile input may put anything anywhere. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string field, else undefined. */
export function stringField(record: JsonRecord, key: string): string | undefined {
  const value = Object.hasOwn(record, key) ? record[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A record field, else undefined. */
export function recordField(record: JsonRecord, key: string): JsonRecord | undefined {
  const value = Object.hasOwn(record, key) ? record[key] : undefined;
  return isRecord(value) ? value : undefined;
}

/** The keys of a `{ name: range }` map such as `dependencies`; anything else gives none. */
export function dependencyNames(record: JsonRecord, key: string): string[] {
  const map = recordField(record, key);
  return map === undefined ? [] : Object.keys(map).filter((name) => name !== '');
}

/**
 * Parse JSON bytes (UTF-8, an optional BOM) as an object. The reason names what is wrong, never the content.
 * V8's JSON.parse is iterative, but a hostile file can still exhaust memory or nest absurdly: any engine error is
 * turned into a reason.
 */
export function parseJsonObject(bytes: Buffer): { value: JsonRecord } | { error: string } {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: `invalid JSON: ${message.slice(0, 200)}` };
  }
  if (!isRecord(value)) return { error: 'invalid JSON: the top level is not an object' };
  return { value };
}
