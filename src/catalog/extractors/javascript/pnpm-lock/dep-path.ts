/**
 * pnpm dependency paths (https://github.com/pnpm/spec/blob/master/dependency-path.md): how a lockfile names one
 * resolved package, by lockfile generation.
 * - v5: `/name/1.0.0`, `/@scope/name/1.0.0_peer@2.0.0+other@1.0.0`, `registry.host/name/1.0.0`;
 * - v6: `/name@1.0.0`, `/@scope/name@1.0.0(peer@2.0.0)`;
 * - v9: `name@1.0.0` in `packages`, `name@1.0.0(peer@2.0.0)` in `snapshots`;
 * - any: a non-registry source (`file:…`, `@github.com/…`, `name@https://…`), whose entry states name and version.
 */

export interface DepPathParts {
  name: string;
  /** The version, peers suffix removed; undefined when the path holds a source rather than a version. */
  version: string | undefined;
}

export function parseDepPath(depPath: string, major: number): DepPathParts | undefined {
  if (major < 6) return parseV5(depPath);
  let path = depPath;
  if (major < 9 && path.startsWith('/')) path = path.slice(1);
  const at = path.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: path.slice(0, at), version: versionPart(path.slice(at + 1)) };
}

function parseV5(depPath: string): DepPathParts | undefined {
  // The first segment is a registry host unless the path starts with '/'.
  const slash = depPath.indexOf('/');
  if (slash < 0) return undefined;
  const rest = depPath.slice(slash + 1);
  let nameEnd = rest.indexOf('/');
  if (rest.startsWith('@')) nameEnd = nameEnd < 0 ? -1 : rest.indexOf('/', nameEnd + 1);
  if (nameEnd <= 0) return undefined;
  const name = rest.slice(0, nameEnd);
  const tail = rest.slice(nameEnd + 1);
  const peers = tail.search(/[_(]/u);
  return { name, version: versionPart(peers < 0 ? tail : tail.slice(0, peers)) };
}

/** `1.0.0(peer@2)` → `1.0.0`; a source (`file:x`, `https://…`, a path) → undefined. */
function versionPart(text: string): string | undefined {
  const paren = text.indexOf('(');
  const version = paren < 0 ? text : text.slice(0, paren);
  return isVersion(version) ? version : undefined;
}

/** A registry version: no protocol, no path. */
export function isVersion(text: string): boolean {
  return text !== '' && !text.includes(':') && !text.includes('/') && !text.includes('@');
}

/** Strip the peers suffix of a v6+ path: `a@1.0.0(b@2)(c@3)` → `a@1.0.0`. */
export function withoutPeers(depPath: string): string {
  const paren = depPath.indexOf('(');
  return paren < 0 ? depPath : depPath.slice(0, paren);
}

/**
 * The dependency path an importer or package reference points to: `dependencies: { name: ref }`.
 * A `link:` reference is a workspace folder, not a package (undefined).
 */
export function refToDepPath(name: string, ref: string, major: number): string | undefined {
  if (ref.startsWith('link:')) return undefined;
  const plain = /^\d/u.test(ref);
  if (major >= 9) {
    // An alias is written `real-name@1.0.0`; a source keeps its protocol (`https://…`, `file:…`).
    if (plain || /^[a-z][a-z0-9+.-]*:/u.test(ref)) return `${name}@${ref}`;
    return ref;
  }
  if (!plain) return ref; // already a dependency path: `/real@1.0.0`, `file:…`, `@github.com/…`
  return major >= 6 ? `/${name}@${ref}` : `/${name}/${ref}`;
}
