import { createHash } from 'node:crypto';

/**
 * A UUID derived from content (SHA-256, laid out as RFC 4122 version 5): the same content always gives the same
 * id, so documents that need one (CycloneDX serialNumber, OpenVEX @id) stay byte-identical across runs.
 */
export function contentUuid(content: string): string {
  const b = createHash('sha256').update(content, 'utf8').digest().subarray(0, 16);
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x50, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * An RFC 3339 date-time at second precision in UTC, from an ISO-8601 date or date-time; undefined when it is not
 * one (advisory dates are feed data: never trusted to be well formed).
 */
export function dateTime(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,12})?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // 31 February rolls into March: not a date.
  if (date.getUTCDate() !== day) return undefined;
  if (m[8] !== undefined) {
    const offset = (Number(m[9]) * 60 + Number(m[10])) * 60_000;
    date.setTime(date.getTime() + (m[8] === '+' ? -offset : offset));
  }
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) return undefined;
  return `${date.toISOString().slice(0, 19)}Z`;
}
