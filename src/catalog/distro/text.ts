import type { Distro } from '../../core/model.js';
import type { FileView } from '../extractor.js';

/** Release files are a few hundred bytes; more than this is not a release file, and only its start is read. */
export const maxReleaseFileBytes = 64 * 1024;

/** The start of a small text file as UTF-8 (BOM dropped), or undefined when the view does not have it. */
export function readText(view: FileView, path: string, cap = maxReleaseFileBytes): string | undefined {
  const bytes = view.read(path);
  if (bytes === undefined) return undefined;
  const text = bytes.subarray(0, Math.min(bytes.length, cap)).toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** The first line that is not blank, trimmed. */
export function firstLine(text: string): string {
  for (const line of text.split('\n', 64)) {
    const trimmed = line.trim();
    if (trimmed !== '') return trimmed;
  }
  return '';
}

/** Distro fields as parsers gather them: optional ones may be undefined or empty. */
export type DistroFields = Pick<Distro, 'id' | 'source'> & {
  [K in Exclude<keyof Distro, 'id' | 'source'>]?: Distro[K] | undefined;
};

/** A Distro without empty fields, so optional fields stay absent (exactOptionalPropertyTypes). */
export function makeDistro(fields: DistroFields): Distro {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as unknown as Distro;
}
