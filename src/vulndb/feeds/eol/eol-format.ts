/**
 * End-of-life data in endoflife.date's shapes:
 * - product pages `products/<name>.md` (a directory of them, or one file; the product is the file name);
 * - `all-products.json(.gz)`: `{<product>: {…front matter…, releases: [...]}}`;
 * - the public API: v1 `{result: {name, releases: [...]}}` (or `result: [...]` for `products/full`), and the
 *   legacy `/api/<product>.json` array of `{cycle, eol, …}` (the product is the file name).
 * A directory holding `all-products.json(.gz)` is read from that file alone (it has every product page's data).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isGroutError } from '../../../core/errors.js';
import type { EolCycle, FeedItem } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { feedFormatError, headText, readFeedJson, readFeedText } from '../common/feed-file.js';
import { cycleFromApiRelease, cycleFromLegacyApi, cycleFromRelease, isProductName, isRecord } from './eol-cycle.js';
import { readProductPage } from './eol-product-page.js';

const MAX_JSON_BYTES = 256 * 1024 * 1024;
const MAX_PAGE_BYTES = 1024 * 1024;
const MAX_PAGES = 10_000;
const ALL_PRODUCTS = /^all-products\.json(\.gz)?$/;

export const eolFormat: FeedFormatHandler = {
  format: 'eol',
  version: 1,
  sniff(path: string, head: Uint8Array, isDirectory: boolean): boolean {
    if (isDirectory) return directoryLayout(path) !== undefined;
    const text = headText(head);
    if (path.endsWith('.md')) return /^---\r?\n/.test(text) && /^(releases|permalink|releasePolicyLink):/m.test(text);
    if (ALL_PRODUCTS.test(basename(path))) return true;
    if (/^\s*\{/.test(text) && /"schema_version"\s*:/.test(text) && /"result"\s*:/.test(text) && /"releases"\s*:|"isEol"\s*:/.test(text)) return true;
    return /^\s*\[\s*\{/.test(text) && /"cycle"\s*:/.test(text) && /"eol"\s*:/.test(text);
  },
  parse(input: FeedInput, context: ParseContext): AsyncIterable<FeedItem> {
    return parseEol(input, context);
  },
};

type Layout = { kind: 'all-products'; path: string } | { kind: 'pages'; paths: string[] };

/** What an endoflife.date directory holds, or undefined when it holds none of it. Never throws. */
function directoryLayout(dir: string): Layout | undefined {
  try {
    const names = readdirSync(dir);
    const all = names.filter((name) => ALL_PRODUCTS.test(name)).sort();
    if (all[0] !== undefined) return { kind: 'all-products', path: join(dir, all[0]) };
    const pagesDir = names.includes('products') && statSync(join(dir, 'products')).isDirectory() ? join(dir, 'products') : dir;
    const pages = readdirSync(pagesDir)
      .filter((name) => name.endsWith('.md') && isProductName(name.slice(0, -3)))
      .sort()
      .map((name) => join(pagesDir, name));
    return pages.length > 0 && (pagesDir !== dir || basename(dir) === 'products') ? { kind: 'pages', paths: pages } : undefined;
  } catch {
    return undefined;
  }
}

async function* parseEol(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(input.path).isDirectory();
  } catch {
    isDirectory = false; // reading reports the error
  }
  if (isDirectory) {
    const layout = directoryLayout(input.path);
    if (layout === undefined) throw feedFormatError(input.label, 'no endoflife.date data (products/*.md or all-products.json) in this directory');
    if (layout.kind === 'all-products') {
      yield* parseJson({ path: layout.path, label: join(input.label, relative(input.path, layout.path)) }, context);
      return;
    }
    if (layout.paths.length > MAX_PAGES) throw feedFormatError(input.label, `more than ${MAX_PAGES} product pages`);
    for (const path of layout.paths) {
      const name = basename(path);
      yield* parsePage({ path, label: join(input.label, relative(input.path, path)) }, name.slice(0, -3), context, false);
    }
    return;
  }
  const name = basename(input.path);
  if (name.endsWith('.md')) {
    const product = name.slice(0, -3);
    if (!isProductName(product)) throw feedFormatError(input.label, `not an endoflife.date product name: ${JSON.stringify(product.slice(0, 60))}`);
    yield* parsePage(input, product, context, true);
    return;
  }
  yield* parseJson(input, context);
}

async function* parsePage(input: FeedInput, product: string, context: ParseContext, alone: boolean): AsyncGenerator<FeedItem> {
  let text: string;
  try {
    text = await readFeedText(input, { maxBytes: MAX_PAGE_BYTES, signal: context.signal });
  } catch (error) {
    // One unreadable page in a directory is that page's problem, not the directory's.
    if (alone || !isGroutError(error)) throw error;
    yield { type: 'skipped', where: input.label, reason: error.message };
    return;
  }
  const result = readProductPage(text, product);
  if ('error' in result) {
    if (alone) throw feedFormatError(input.label, result.error);
    yield { type: 'skipped', where: input.label, reason: result.error };
    return;
  }
  yield* items(input.label, result.cycles.map((cycle) => ('skip' in cycle ? cycle.skip : cycle)));
}

async function* parseJson(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const document = await readFeedJson(input, { maxBytes: MAX_JSON_BYTES, signal: context.signal });
  if (Array.isArray(document)) {
    // Legacy API: /api/<product>.json
    const product = basename(input.path).replace(/(\.json)?(\.gz)?$/, '');
    if (!isProductName(product)) throw feedFormatError(input.label, `cannot tell the product from the file name ${JSON.stringify(product.slice(0, 60))}`);
    yield* items(input.label, document.map((release: unknown) => cycleFromLegacyApi(product, release)));
    return;
  }
  if (!isRecord(document)) throw feedFormatError(input.label, 'not endoflife.date data (expected a JSON object)');
  if ('result' in document) {
    const result = document['result'];
    const products = Array.isArray(result) ? result : [result];
    for (const [index, raw] of products.entries()) {
      const where = Array.isArray(result) ? `${input.label} result[${index}]` : input.label;
      const name = isRecord(raw) ? raw['name'] : undefined;
      if (!isRecord(raw) || typeof name !== 'string' || !isProductName(name) || !Array.isArray(raw['releases'])) {
        if (!Array.isArray(result)) throw feedFormatError(input.label, 'API result is not a product with releases');
        yield { type: 'skipped', where, reason: 'API result is not a product with releases' };
        continue;
      }
      yield* items(where, raw['releases'].map((release: unknown) => cycleFromApiRelease(name, release)));
    }
    return;
  }
  // all-products.json: {<product>: {releases: [...]}}
  let products = 0;
  for (const [name, raw] of Object.entries(document)) {
    context.signal?.throwIfAborted();
    const where = `${input.label} ${name.slice(0, 80)}`;
    if (!isProductName(name)) {
      yield { type: 'skipped', where, reason: 'not an endoflife.date product name' };
      continue;
    }
    if (!isRecord(raw) || !Array.isArray(raw['releases'])) {
      yield { type: 'skipped', where, reason: 'product has no releases list' };
      continue;
    }
    products++;
    yield* items(where, raw['releases'].map((release: unknown) => cycleFromRelease(name, release)));
  }
  if (products === 0) throw feedFormatError(input.label, 'no endoflife.date products in this file');
}

function* items(where: string, cycles: (EolCycle | string)[]): Generator<FeedItem> {
  for (const [index, cycle] of cycles.entries()) {
    if (typeof cycle === 'string') yield { type: 'skipped', where: `${where} releases[${index}]`, reason: cycle };
    else yield { type: 'eol', cycle };
  }
}
