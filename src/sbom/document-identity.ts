import { createHash } from 'node:crypto';
import type { ImageDescription } from '../core/model.js';

/**
 * What makes two SBOM documents "the same document": the image they describe. Serial numbers and namespaces are
 * derived from it so that encoding the same inventory twice gives byte-identical output (no clock, no randomness).
 */
export function imageIdentity(image: ImageDescription): string {
  if (image.manifestDigest) return `manifest:${image.manifestDigest}`;
  if (image.configDigest) return `config:${image.configDigest}`;
  if (image.layers.length > 0) return `layers:${image.layers.map((l) => l.diffId).join(',')}`;
  return `reference:${image.reference}`;
}

/** The RFC 4122 URL namespace, the root of grout's own. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** grout's name-based UUID namespace: UUIDv5(URL namespace, "urn:grout"). */
const GROUT_NAMESPACE = uuidV5(URL_NAMESPACE, 'urn:grout');

/**
 * A name-based UUID in grout's namespace. `uuidFromName('cyclonedx|manifest:sha256:…')` is the same on every
 * machine, every run.
 */
export function uuidFromName(name: string): string {
  return uuidV5(GROUT_NAMESPACE, name);
}

/** RFC 4122 §4.3 version 5: SHA-1 of namespace bytes + UTF-8 name, version and variant bits set. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  return formatUuid(bytes);
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Used when the image config has no (usable) `created`. */
export const EPOCH_TIMESTAMP = '1970-01-01T00:00:00Z';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,12})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * The document timestamp. An SBOM's creation time would make every run differ, so grout stamps documents with the
 * image config's `created` instead: it is a property of the image, stable across runs. Without one (rootfs
 * sources, configs that omit it or hold something that is not RFC 3339) the Unix epoch stands in, which no reader
 * mistakes for a real build time.
 *
 * The result is UTC with second precision (`2024-02-01T10:20:30Z`), the form SPDX 2.3 asks for (§6.9) and a valid
 * CycloneDX `date-time`. Fractions (config timestamps carry nanoseconds) are dropped; offsets are applied.
 */
export function documentTimestamp(created: string | undefined): string {
  if (created === undefined) return EPOCH_TIMESTAMP;
  const m = RFC3339.exec(created.trim());
  if (!m) return EPOCH_TIMESTAMP;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return EPOCH_TIMESTAMP;
  // setUTCFullYear, not Date.UTC: the latter maps years 0-99 to 1900-1999 (Go's zero time is year 1).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  // Dates that do not exist (31 February) roll over into the next month: reject them.
  if (date.getUTCDate() !== day) return EPOCH_TIMESTAMP;
  if (m[8] !== undefined) {
    const offset = (Number(m[9]) * 60 + Number(m[10])) * 60_000;
    date.setTime(date.getTime() + (m[8] === '+' ? -offset : offset));
  }
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) return EPOCH_TIMESTAMP;
  return `${date.toISOString().slice(0, 19)}Z`;
}
