/**
 * An endoflife.date product page, `products/<name>.md`: YAML front matter between `---` lines, then markdown.
 * The front matter's `releases` list holds the cycles. YAML is read with the failsafe schema (every scalar stays
 * text), as endoflife.date's own build does not turn `3.10` into the number 3.1.
 */
import { parse as parseYaml } from 'yaml';
import type { EolCycle } from '../../advisory.js';
import { cycleFromRelease, isRecord } from './eol-cycle.js';

export type PageResult = { cycles: (EolCycle | { skip: string })[] } | { error: string };

/** @example readProductPage(text, 'debian') */
export function readProductPage(text: string, product: string): PageResult {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (match === null) return { error: 'no YAML front matter (--- … ---)' };
  let front: unknown;
  try {
    front = parseYaml(match[1] ?? '', { schema: 'failsafe', maxAliasCount: 100, uniqueKeys: false });
  } catch (error) {
    return { error: `front matter is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  if (!isRecord(front) || !Array.isArray(front['releases'])) return { error: 'front matter has no releases list' };
  return {
    cycles: front['releases'].map((release: unknown) => {
      const cycle = cycleFromRelease(product, release);
      return typeof cycle === 'string' ? { skip: cycle } : cycle;
    }),
  };
}
