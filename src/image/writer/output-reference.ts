import { GroutError, isGroutError } from '../../core/errors.js';
import { formatDockerReference, parseDockerReference, type DockerReference } from '../registry/docker-reference.js';

/** Where a patched image goes on disk: an OCI layout directory, an OCI archive, or a `docker save` archive. */
export type FileOutputSpec =
  | { format: 'oci'; path: string; tag?: string }
  | { format: 'oci-archive'; path: string; tag?: string }
  /** `tag` is `repo:tag` as docker writes RepoTags. */
  | { format: 'docker-archive'; path: string; tag?: string };

/** A registry repository and tag to push the patched image to. */
export interface RegistryOutputSpec {
  format: 'registry';
  /** `host[:port]/path:tag`, normalised. */
  reference: string;
  image: DockerReference & { tag: string };
}

export type OutputSpec = FileOutputSpec | RegistryOutputSpec;

const USAGE = 'write the patched image to oci:<dir>[:tag], oci-archive:<file>[:tag], docker-archive:<file>[:repo:tag], or a registry: host[:port]/repo:tag or docker://repo:tag';

/**
 * `oci:dir[:tag]`, `oci-archive:file[:tag]`, `docker-archive:file[:repo:tag]` — the same syntax skopeo uses — or a
 * registry reference. A registry output is told from a path by its form: `docker://<reference>` (any reference
 * docker accepts, Docker Hub included), or a reference whose first component names a registry host (it holds a
 * `.` or a `:`, or is `localhost`), as `registry.example:5000/team/app:patched`. A bare `app:patched` is refused
 * rather than pushed to Docker Hub by surprise; a digest is refused (the push computes it).
 *
 * @example
 * parseOutputReference('docker-archive:patched.tar:app:fixed'); // { format: 'docker-archive', path: 'patched.tar', tag: 'app:fixed' }
 * parseOutputReference('127.0.0.1:5000/app:fixed'); // { format: 'registry', reference: '127.0.0.1:5000/app:fixed', … }
 */
export function parseOutputReference(text: string): OutputSpec {
  const format = (['oci-archive', 'docker-archive', 'oci'] as const).find((f) => text.startsWith(`${f}:`));
  if (format === undefined) return parseRegistryOutput(text);
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

function parseRegistryOutput(text: string): RegistryOutputSpec {
  const explicit = text.startsWith('docker://');
  const body = explicit ? text.slice('docker://'.length) : text;
  const slash = body.indexOf('/');
  const first = slash < 0 ? '' : body.slice(0, slash);
  if (!explicit && (first === '.' || first === '..' || first === '' && body.startsWith('/'))) {
    throw new GroutError('E_USAGE', `${text}: a path needs its format`, { hint: `write oci:${text}, oci-archive:${text} or docker-archive:${text}` });
  }
  if (!explicit && !(/[.:]/.test(first) || first === 'localhost')) {
    throw new GroutError('E_USAGE', `${text}: not an output grout knows`, { hint: `${USAGE}; a registry reference names its host (docker://${body} for Docker Hub)` });
  }
  let image: DockerReference;
  try {
    image = parseDockerReference(body);
  } catch (err) {
    if (!isGroutError(err)) throw err;
    throw new GroutError('E_USAGE', `--out ${err.message}`, { hint: USAGE });
  }
  if (image.digest !== undefined) {
    throw new GroutError('E_USAGE', `${text}: a pushed image is named by a tag; its digest is computed by the push`, { hint: 'write host/repo:tag' });
  }
  const tagged = { ...image, tag: image.tag ?? 'latest' };
  return { format: 'registry', reference: formatDockerReference(tagged), image: tagged };
}
