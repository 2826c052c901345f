/**
 * os-release(5): the primary source of distro identity. The fields kept are the ones the model has; the rest
 * (URLs, variants, build ids) are not needed to scope advisories.
 */
import type { Distro } from '../../core/model.js';
import { parseKeyValues } from './key-values.js';
import { makeDistro } from './text.js';

/**
 * The spec's default for a file without `ID=`: "If not set, a default of ID=linux may be used."
 * https://www.freedesktop.org/software/systemd/man/latest/os-release.html#ID=
 */
export const defaultOsReleaseId = 'linux';

export interface OsReleaseResult {
  distro: Distro;
  /** The file had no usable `ID=` and the spec's default was applied: a weaker identity than any other source. */
  defaultedId: boolean;
}

/** Identity from os-release text; undefined when the file has none of the fields we model (empty, not os-release). */
export function distroFromOsRelease(text: string, source: string): OsReleaseResult | undefined {
  const values = parseKeyValues(text);
  const get = (key: string): string | undefined => {
    const v = values.get(key)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const rawId = get('ID');
  const id = rawId === undefined ? undefined : normaliseId(rawId);
  const idLike = (get('ID_LIKE') ?? '').split(/\s+/u).filter((s) => s !== '');
  const distro: Distro = makeDistro({
    id: id ?? defaultOsReleaseId,
    versionId: get('VERSION_ID'),
    version: get('VERSION'),
    codename: get('VERSION_CODENAME'),
    name: get('NAME'),
    prettyName: get('PRETTY_NAME'),
    idLike,
    cpeName: get('CPE_NAME'),
    source,
  });
  const modelled = ['VERSION_ID', 'VERSION', 'VERSION_CODENAME', 'NAME', 'PRETTY_NAME', 'ID_LIKE', 'CPE_NAME'];
  if (id === undefined && !modelled.some((k) => get(k) !== undefined)) return undefined;
  return { distro, defaultedId: id === undefined };
}

/** The spec says ID is lower-case a–z, 0–9, `.`, `_`, `-`; we lower-case and refuse anything else. */
function normaliseId(raw: string): string | undefined {
  const id = raw.toLowerCase();
  return /^[a-z0-9._-]{1,64}$/u.test(id) ? id : undefined;
}
