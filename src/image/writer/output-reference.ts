import { GroutError } from '../../core/errors.js';

/** Where a patched image goes: an OCI layout directory, an OCI archive, or a `docker save` archive. */
export type OutputSpec =
  | { format: 'oci'; path: string; tag?: string }
  | { format: 'oci-archive'; path: string; tag?: string }
  /** `tag` is `repo:tag` as docker writes RepoTags. */
  | { format: 'docker-archive'; path: string; tag?: string };

/**
 * `oci:dir[:tag]`, `oci-archive:file[:tag]`, `docker-archive:file[:repo:tag]` — the same syntax skopeo uses.
 *
 * @example
 * parseOutputReference('docker-archive:patched.tar:app:fixed'); // { format: 'docker-archive', path: 'patched.tar', tag: 'app:fixed' }
 */
export function parseOutputReference(text: string): OutputSpec {
  const format = (['oci-archive', 'docker-archive', 'oci'] as const).find((f) => text.startsWith(`${f}:`));
  if (format === undefined) {
    throw new GroutError('E_USAGE', `${text}: write the patched image to oci:<dir>[:tag], oci-archive:<file>[:tag] or docker-archive:<file>[:repo:tag]`);
  }
  const rest = text.slice(format.length + 1);
  const colon = rest.indexOf(':');
  const path = colon < 0 ? rest : rest.slice(0, colon);
  const tag = colon < 0 ? undefined : rest.slice(colon + 1);
  if (path === '') throw new GroutError('E_USAGE', `${text}: a path is missing after ${format}:`);
  if (tag !== undefined && !/^[\w][\w.:/-]{0,254}$/.test(tag)) throw new GroutError('E_USAGE', `${text}: invalid tag ${JSON.stringify(tag)}`);
  if (format === 'docker-archive' && tag !== undefined && !tag.includes(':')) {
    return { format, path, tag: `${tag}:latest` };
  }
  return tag === undefined ? { format, path } : { format, path, tag };
}
