import { isRecord, type JsonRecord } from './json-value.js';

const MAX_LICENSES = 32;
const MAX_LICENSE_CHARS = 512;

/**
 * Licences as an npm manifest or lockfile entry declares them: `license` as a string (an SPDX expression), the
 * deprecated object form `{ "type": "MIT" }`, or arrays of either in `license` or the legacy `licenses`
 * (https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license).
 */
export function npmLicenses(manifest: JsonRecord): string[] {
  const out: string[] = [];
  const add = (value: unknown): void => {
    if (out.length >= MAX_LICENSES) return;
    const text = typeof value === 'string' ? value : isRecord(value) && typeof value['type'] === 'string' ? value['type'] : undefined;
    const trimmed = text?.trim().slice(0, MAX_LICENSE_CHARS);
    if (trimmed !== undefined && trimmed !== '' && !out.includes(trimmed)) out.push(trimmed);
  };
  for (const key of ['license', 'licenses']) {
    const value = Object.hasOwn(manifest, key) ? manifest[key] : undefined;
    if (Array.isArray(value)) for (const item of value.slice(0, MAX_LICENSES)) add(item);
    else add(value);
  }
  return out;
}
