/** Path predicates for npm layouts; string tests only, they run on every path of every layer. */

/** Is any segment of `path` a `node_modules` folder? */
export function isInsideNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

/** The last segment of a slash-separated path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function isNodeModulesDir(dir: string): boolean {
  return dir === 'node_modules' || dir.endsWith('/node_modules');
}

/**
 * Is `path` the manifest of an installed package: `…node_modules/<name>/package.json` or
 * `…node_modules/@scope/<name>/package.json`, at any depth? Other package.json files inside a package
 * (`lib/package.json`, test fixtures) are not manifests of an installed package.
 */
export function isInstalledManifest(path: string): boolean {
  if (!path.endsWith('/package.json')) return false;
  const dir = path.slice(0, -'/package.json'.length);
  const cut = dir.lastIndexOf('/');
  if (cut < 0) return false;
  const base = dir.slice(cut + 1);
  const parent = dir.slice(0, cut);
  if (base === '' || base.startsWith('.')) return false;
  if (isNodeModulesDir(parent)) return !base.startsWith('@');
  const cut2 = parent.lastIndexOf('/');
  if (cut2 < 0) return false;
  const scope = parent.slice(cut2 + 1);
  return scope.length > 1 && scope.startsWith('@') && isNodeModulesDir(parent.slice(0, cut2));
}

/**
 * The package name a `node_modules` location names: `a/node_modules/@s/b` → `@s/b`, `node_modules/x` → `x`;
 * undefined when the location is not inside a `node_modules` folder.
 */
export function nameFromLocation(location: string): string | undefined {
  const marker = location.lastIndexOf('node_modules/');
  if (marker < 0 || (marker > 0 && location[marker - 1] !== '/')) return undefined;
  const name = location.slice(marker + 'node_modules/'.length);
  if (name === '') return undefined;
  const slash = name.indexOf('/');
  if (name.startsWith('@')) return slash > 1 && name.indexOf('/', slash + 1) < 0 && slash < name.length - 1 ? name : undefined;
  return slash < 0 ? name : undefined;
}
