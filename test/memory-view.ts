import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FileView } from '../src/catalog/extractor.js';

/** A FileView over a directory on disk, keeping only what `wants` picks: for extractor tests against fixtures. */
export function viewOfDirectory(root: string, wants: (path: string) => boolean): FileView {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        const rel = relative(root, full).split(sep).join('/');
        if (wants(rel)) files.set(rel, readFileSync(full));
      }
    }
  };
  walk(root);
  return viewOfFiles(files);
}

/** A FileView over in-memory files. */
export function viewOfFiles(files: Map<string, Buffer> | Record<string, string | Buffer>): FileView {
  const map =
    files instanceof Map
      ? files
      : new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v]));
  const sorted = [...map.keys()].sort();
  return { read: (p) => map.get(p), paths: () => sorted };
}
