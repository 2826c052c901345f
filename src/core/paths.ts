import { GroutError } from './errors.js';

/**
 * Normalise a path found inside an image (tar entry name, package database line) to grout's form: no leading
 * slash, no `./`, no trailing slash, no empty segments. Returns undefined for the root itself.
 * Throws E_UNSAFE_PATH when the path climbs above the root (`../etc/passwd`, `a/../../b`).
 */
export function normaliseImagePath(raw: string, file?: string): string | undefined {
  const out: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) {
        throw new GroutError('E_UNSAFE_PATH', `entry ${JSON.stringify(raw)} escapes the image root`, withFile(file));
      }
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.length === 0 ? undefined : out.join('/');
}

/** Like normaliseImagePath, but an escaping path yields undefined instead of an error (for lenient callers). */
export function tryNormaliseImagePath(raw: string): string | undefined {
  try {
    return normaliseImagePath(raw);
  } catch {
    return undefined;
  }
}

/** Parent of a normalised path ('' for a top-level name). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function withFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}
