/**
 * Yarn descriptors, `name@range`, where the range may carry a protocol
 * (https://yarnpkg.com/protocols): `npm:` (also an alias `npm:real@^1`), or a source that is not the registry.
 */

export interface Descriptor {
  name: string;
  range: string;
}

export function splitDescriptor(text: string): Descriptor | undefined {
  const at = text.indexOf('@', 1);
  if (at <= 0 || at === text.length - 1) return undefined;
  return { name: text.slice(0, at), range: text.slice(at + 1) };
}

/**
 * Sources that are not the npm registry: the package is the project's own code (`workspace:`), a folder or
 * archive (`file:`, `link:`, `portal:`), a repository (`git…`, `github:`, a `user/repo` shorthand) or a URL. Such
 * packages carry no registry version to match advisories against and are left out, as trivy does. A `patch:` entry
 * is the same package as the npm entry it patches, which the lockfile lists too.
 */
const NOT_REGISTRY = new Set([
  'workspace', 'patch', 'file', 'link', 'portal', 'exec', 'github', 'gitlab', 'bitbucket', 'gist',
  'git', 'git+ssh', 'git+http', 'git+https', 'git+file', 'http', 'https',
]);

export type RangeSource =
  | { kind: 'npm'; name: string }
  | { kind: 'other'; protocol: string }
  | { kind: 'unknown'; protocol: string };

/** Where a descriptor's package comes from: the registry (with the real name, for an alias) or elsewhere. */
export function sourceOf(descriptor: Descriptor): RangeSource {
  const { name, range } = descriptor;
  const colon = range.indexOf(':');
  const protocol = colon > 0 && /^[a-z][a-z0-9+.-]*$/u.test(range.slice(0, colon)) ? range.slice(0, colon) : undefined;
  if (protocol === undefined) {
    // `user/repo#ref` is a GitHub shorthand; a plain semver range never holds a slash.
    return range.includes('/') ? { kind: 'other', protocol: 'github' } : { kind: 'npm', name };
  }
  if (protocol === 'npm') {
    // A range never holds an `@` past its first character, so one there marks an alias: `npm:real@^1`.
    const alias = splitDescriptor(range.slice(colon + 1));
    return { kind: 'npm', name: alias?.name ?? name };
  }
  return NOT_REGISTRY.has(protocol) ? { kind: 'other', protocol } : { kind: 'unknown', protocol };
}
