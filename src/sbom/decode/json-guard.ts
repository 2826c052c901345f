/**
 * Reading parsed JSON of unknown shape without trusting it: every accessor checks the type and answers undefined
 * (or an empty list) instead of throwing, so a wrong type in an SBOM becomes a skipped field, never a TypeError.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, trimmed of nothing; anything else is undefined. */
export function stringField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** An array field; a missing field or another type gives []. */
export function arrayField(record: JsonRecord, key: string): unknown[] {
  const value = record[key];
  return Array.isArray(value) ? value : [];
}

export function recordField(record: JsonRecord, key: string): JsonRecord | undefined {
  const value = record[key];
  return isRecord(value) ? value : undefined;
}

/** The records of an array field, skipping elements that are not objects. */
export function recordsOf(record: JsonRecord, key: string): JsonRecord[] {
  return arrayField(record, key).filter(isRecord);
}
