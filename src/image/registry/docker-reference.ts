import { GroutError } from '../../core/errors.js';

/**
 * An image reference as docker understands it, normalised: `alpine` is `docker.io/library/alpine:latest`.
 * Grammar: https://github.com/distribution/reference (reference.go, normalize.go).
 */
export interface DockerReference {
  /** `host[:port]` as written (`docker.io` for Docker Hub, `index.docker.io` folded into it). */
  domain: string;
  /** The repository inside the registry, e.g. `library/alpine`. */
  path: string;
  /** The tag; `latest` when neither a tag nor a digest was given. */
  tag?: string;
  /** `sha256:<hex>`; when present it decides what is pulled, the tag is only a label. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const LEGACY_HUB = 'index.docker.io';
const MAX_NAME = 255;

// The building blocks of the grammar, each one token wide.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[[a-fA-F0-9:]+\\]';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const SPLIT_NAME = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);
const DIGEST_HEX: Record<string, number> = { sha256: 64, sha512: 128 };

/**
 * Parse a reference the way `docker pull` does (ParseNormalizedNamed + TagNameOnly):
 * `alpine` → docker.io/library/alpine:latest, `ghcr.io/o/r:1`, `host:5000/ns/repo@sha256:…`, `repo:tag@sha256:…`.
 * Anything else is E_SOURCE_SYNTAX with the reason.
 */
export function parseDockerReference(text: string): DockerReference {
  if (text === '') throw syntax(text, 'the reference is empty');
  if (text.length > 4096) throw syntax(text.slice(0, 64) + '…', 'the reference is too long');
  if (/^[a-f0-9]{64}$/.test(text)) {
    throw syntax(text, 'a 64-character hexadecimal string is an image id, not a repository name', 'name it by digest: repo@sha256:…');
  }
  const { domain, remainder } = splitDomain(text);
  const tagAt = remainder.indexOf(':');
  const atAt = remainder.indexOf('@');
  const nameEnd = Math.min(tagAt === -1 ? remainder.length : tagAt, atAt === -1 ? remainder.length : atAt);
  const repository = remainder.slice(0, nameEnd);
  if (repository.toLowerCase() !== repository) throw syntax(text, `the repository name ${JSON.stringify(repository)} must be lowercase`);

  const full = `${domain}/${remainder}`;
  const match = REFERENCE.exec(full);
  if (!match) throw syntax(text, 'it does not follow the docker reference grammar', 'write [host[:port]/]path[:tag][@sha256:…]');
  const name = match[1]!;
  if (name.length > MAX_NAME) throw syntax(text, `the repository name is longer than ${MAX_NAME} characters`);
  const split = SPLIT_NAME.exec(name);
  if (!split) throw syntax(text, 'it does not follow the docker reference grammar');
  const ref: DockerReference = { domain: split[1] ?? domain, path: split[2]! };
  const tag = match[2];
  const digest = match[3];
  if (digest !== undefined) {
    const [algorithm = '', hex = ''] = digest.split(':');
    const length = DIGEST_HEX[algorithm];
    if (length === undefined) throw syntax(text, `unsupported digest algorithm ${JSON.stringify(algorithm)}`, 'use sha256:…');
    if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) throw syntax(text, `a ${algorithm} digest has ${length} lowercase hex digits`);
    ref.digest = digest;
  }
  if (tag !== undefined) ref.tag = tag;
  if (tag === undefined && digest === undefined) ref.tag = 'latest';
  return ref;
}

/**
 * Docker's rule for the first path component: it is a registry host when it holds a `.` or `:`, is `localhost`, or
 * has an upper-case letter (repository names cannot); otherwise the reference is on Docker Hub, where a one-part
 * name lives under `library/`.
 */
function splitDomain(text: string): { domain: string; remainder: string } {
  const slash = text.indexOf('/');
  const first = slash === -1 ? '' : text.slice(0, slash);
  let domain: string;
  let remainder: string;
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DOCKER_HUB;
    remainder = text;
  } else {
    domain = first;
    remainder = text.slice(slash + 1);
  }
  if (domain === LEGACY_HUB) domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/** `docker.io/library/alpine:latest`, `host:5000/repo@sha256:…`. */
export function formatDockerReference(ref: DockerReference): string {
  return `${ref.domain}/${ref.path}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The short form docker prints: `alpine:latest`, `me/app:1`, `host:5000/repo:tag`. */
export function familiarName(ref: DockerReference): string {
  let name = `${ref.domain}/${ref.path}`;
  if (ref.domain === DOCKER_HUB) name = ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice(8) : ref.path;
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

function syntax(text: string, reason: string, hint?: string): GroutError {
  return new GroutError('E_SOURCE_SYNTAX', `invalid image reference ${JSON.stringify(text)}: ${reason}`, hint ? { hint } : {});
}
