/**
 * Small readers for untrusted JSON values. A structural problem throws `RecordProblem` with a reason that names
 * the field (`affected[2].ranges[0] has no events`); the record converter turns it into a skipped item.
 */

/** Why a record cannot be used; caught by `osvRecordToAdvisory` and reported, never thrown out of the parser. */
export class RecordProblem extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordProblem';
  }
}

export function fail(reason: string): never {
  throw new RecordProblem(reason);
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value quoted for a message, cut short so a hostile megabyte string does not become a megabyte message. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(short);
}

/** A JSON type name for messages: `string`, `number`, `array`, `object`, `null`… */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** An optional string field: absent and `null` give undefined; any other non-string is a problem. */
export function optionalString(object: JsonObject, key: string, path: string, maxChars: number): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(`${path}${key} is ${typeName(value)}, not a string`);
  if (value.length > maxChars) fail(`${path}${key} is longer than ${maxChars} characters`);
  return value;
}

/** An optional array field: absent and `null` give []; more than `max` items is a problem. */
export function optionalArray(object: JsonObject, key: string, path: string, max: number): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${path}${key} is ${typeName(value)}, not an array`);
  if (value.length > max) fail(`${path}${key} has ${value.length} items (at most ${max} are read)`);
  return value;
}

/** An optional array of strings: every item must be a string of at most `maxChars`. */
export function stringList(object: JsonObject, key: string, path: string, max: number, maxChars: number): string[] {
  const items = optionalArray(object, key, path, max);
  items.forEach((item, i) => {
    if (typeof item !== 'string') fail(`${path}${key}[${i}] is ${typeName(item)}, not a string`);
    if (item.length > maxChars) fail(`${path}${key}[${i}] is longer than ${maxChars} characters`);
  });
  return items as string[];
}

/** An optional object field; anything else (including an array) reads as absent. */
export function optionalObject(object: JsonObject, key: string): JsonObject | undefined {
  const value = object[key];
  return isObject(value) ? value : undefined;
}

/** Sorted, de-duplicated, without `exclude`. */
export function sortedUnique(values: Iterable<string>, exclude?: string): string[] {
  const set = new Set(values);
  if (exclude !== undefined) set.delete(exclude);
  return [...set].sort();
}
