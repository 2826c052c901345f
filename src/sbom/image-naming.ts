import type { ImageDescription } from '../core/model.js';
import { ociPurl } from './oci-purl.js';

/** The image's display name: its first tag (tags are sorted), else the reference as the user gave it. */
export function imageName(image: ImageDescription): string {
  return image.tags[0] ?? image.reference;
}

/** The digest that identifies the image: the manifest digest, else the config digest (the image id). */
export function imageVersion(image: ImageDescription): string | undefined {
  return image.manifestDigest ?? image.configDigest;
}

interface RepositoryTag {
  repository: string;
  tag?: string;
}

/** Split `host:5000/team/app:1.0@sha256:…` into repository and tag; the digest part is dropped. */
function splitRepositoryTag(ref: string): RepositoryTag {
  const at = ref.indexOf('@');
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  if (colon > named.lastIndexOf('/')) {
    const tag = named.slice(colon + 1);
    return tag.length > 0 ? { repository: named.slice(0, colon), tag } : { repository: named.slice(0, colon) };
  }
  return { repository: named };
}

/** A first path component is a registry host when it has a dot or a port, or is localhost (the Docker rule). */
function hasRegistryHost(repository: string): boolean {
  const slash = repository.indexOf('/');
  if (slash < 0) return false;
  const first = repository.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/**
 * The image's package URL, per the purl `oci` type: name = last fragment of the repository, lower-cased; version =
 * the manifest digest (required: without one there is no oci purl); qualifiers `arch`, `tag`, and
 * `repository_url` (repository including its name) when the reference names its registry. grout does not guess a
 * default registry for short names such as `debian:12`: the purl then stays registry-agnostic, as the type allows.
 *
 * The name comes from the first tag, or from the reference of a registry source. Example:
 * `registry.example/team/App:1.0` → `pkg:oci/app@sha256:…?arch=amd64&repository_url=registry.example%2Fteam%2FApp&tag=1.0`
 */
export function imagePurl(image: ImageDescription): string | undefined {
  if (!image.manifestDigest) return undefined;
  const source = image.tags[0] ?? (image.transport === 'registry' ? image.reference : undefined);
  if (source === undefined) return undefined;
  const { repository, tag } = splitRepositoryTag(source.trim());
  const name = repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
  if (name.length === 0) return undefined;
  const qualifiers: Record<string, string> = {};
  if (image.architecture) qualifiers['arch'] = image.architecture;
  if (hasRegistryHost(repository)) qualifiers['repository_url'] = repository;
  if (tag !== undefined) qualifiers['tag'] = tag;
  // Undefined for a name that cannot be a purl's; an image without a purl is still described.
  return ociPurl(name, image.manifestDigest, qualifiers);
}
