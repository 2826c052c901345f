/**
 * Format handler for the Debian security tracker's `data/DSA/list` and `data/DLA/list` (see dsa-list-parser.ts):
 * one advisory per DSA/DLA id, one affected entry per release line, in `Debian:<number>` ecosystems.
 */
import type { FeedItem } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { DsaListParser } from './dsa-list-parser.js';
import { feedFormatError, headText, readFeedBytes } from '../common/feed-file.js';
import { readLines } from '../common/line-reader.js';

/** The real DSA list is ~1 MB; this only bounds hostile or wrong input. */
const MAX_BYTES = 512 * 1024 * 1024;
const MAX_LINE_BYTES = 64 * 1024;
const FIRST_HEADER = /^\s*\[\d{1,2} [A-Z][a-z]{2} \d{4}\]\s+D[SL]A-\d/;

export const debianDsaListFormat: FeedFormatHandler = {
  format: 'debian-dsa-list',
  version: 1,
  sniff(_path: string, head: Uint8Array, isDirectory: boolean): boolean {
    return !isDirectory && FIRST_HEADER.test(headText(head));
  },
  parse(input: FeedInput, context: ParseContext): AsyncIterable<FeedItem> {
    return parseDsaList(input, context);
  },
};

async function* parseDsaList(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const parser = new DsaListParser({ label: input.label, feed: context.feed });
  const bytes = readFeedBytes(input, { maxBytes: MAX_BYTES, signal: context.signal });
  let started = false;
  for await (const line of readLines(bytes, MAX_LINE_BYTES)) {
    if (!started && !line.tooLong && line.text.trim() === '') continue;
    if (!started && (line.tooLong || !FIRST_HEADER.test(line.text))) {
      // A list starts with an advisory header; anything else is not this format at all.
      throw feedFormatError(input.label, `line ${line.number}: not a DSA/DLA list (expected "[dd Mon yyyy] DSA-…")`);
    }
    started = true;
    yield* parser.accept(line);
  }
  yield* parser.finish();
}
