import { existsSync } from 'node:fs';
import { GroutError, isGroutError } from '../core/errors.js';
import { parseDockerReference, type DockerReference } from './registry/docker-reference.js';

export type SourceSpec =
  | { transport: 'docker-archive'; path: string; tag?: string; index?: number }
  | { transport: 'oci'; path: string; tag?: string; digest?: string }
  | { transport: 'oci-archive'; path: string; tag?: string; digest?: string }
  | { transport: 'rootfs'; path: string }
  | { transport: 'registry'; reference: string; image: DockerReference };

const TRANSPORTS = ['docker-archive', 'oci-archive', 'oci', 'rootfs'] as const;
const REGISTRY_PREFIXES = ['registry:', 'docker://'] as const;

function parseRegistryReference(text: string): DockerReference {
  try {
    return parseDockerReference(text);
  } catch (err) {
    if (!isGroutError(err)) throw err;
    throw new GroutError('E_SOURCE_SYNTAX', err.message, {
      hint: 'a registry reference is [host[:port]/]path[:tag][@sha256:…]; for files use docker-archive:, oci:, oci-archive: or rootfs:',
    });
  }
}

/**
 * Parse a source reference as skopeo writes them: `docker-archive:app.tar[:repo:tag|@N]`,
 * `oci:dir[:tag|@sha256:…]`, `oci-archive:app.tar[:tag]`, `rootfs:/path`. Anything else is a registry reference
 * as docker writes it (`alpine`, `host:5000/ns/repo:tag`, `repo@sha256:…`), optionally prefixed `docker://` (as
 * skopeo writes it) or `registry:`.
 */
export function parseSourceReference(text: string): SourceSpec {
  const transport = TRANSPORTS.find((t) => text.startsWith(`${t}:`));
  if (!transport) {
    if (text.trim() === '') throw new GroutError('E_SOURCE_SYNTAX', 'empty image reference');
    const reference = REGISTRY_PREFIXES.reduce((t, prefix) => (t.startsWith(prefix) ? t.slice(prefix.length) : t), text);
    return { transport: 'registry', reference, image: parseRegistryReference(reference) };
  }
  const rest = text.slice(transport.length + 1);
  if (rest === '') throw new GroutError('E_SOURCE_SYNTAX', `${text}: a path is missing after ${transport}:`);
  if (transport === 'rootfs') return { transport, path: rest };
  const { path, suffix } = splitPath(rest);
  if (transport === 'docker-archive') {
    if (suffix === undefined) return { transport, path };
    if (/^@\d+$/.test(suffix)) return { transport, path, index: Number(suffix.slice(1)) };
    return { transport, path, tag: suffix };
  }
  if (suffix === undefined) return { transport, path };
  if (suffix.startsWith('@')) return { transport, path, digest: suffix.slice(1) };
  return { transport, path, tag: suffix };
}

/**
 * Split `path[:suffix]` or `path[@digest]`. A path that exists as written wins, so file names with colons work.
 */
function splitPath(rest: string): { path: string; suffix?: string } {
  if (existsSync(rest)) return { path: rest };
  const at = rest.search(/@(sha256|sha512):[0-9a-f]+$|@\d+$/);
  if (at > 0) return { path: rest.slice(0, at), suffix: rest.slice(at) };
  const colon = rest.indexOf(':');
  if (colon > 0) return { path: rest.slice(0, colon), suffix: rest.slice(colon + 1) };
  return { path: rest };
}
