/**
 * Every feed format grout reads, in one table (DESIGN: plugins are plain values listed in one registry per kind).
 * `grout db import` asks each handler's `sniff` in this order and takes the first that says yes.
 */
import type { FeedFormat, FeedFormatHandler } from '../feed.js';
import { alpineSecdbFormat } from './alpine/alpine-secdb-format.js';
import { debianDsaListFormat } from './debian/dsa-list-format.js';
import { debianTrackerFormat } from './debian/tracker-format.js';
import { eolFormat } from './eol/eol-format.js';
import { epssFormat } from './epss/epss-format.js';
import { kevFormat } from './kev/kev-format.js';
import { osvFormat } from './osv/osv-format.js';

export const FEED_FORMATS: readonly FeedFormatHandler[] = [
  kevFormat,
  epssFormat,
  eolFormat,
  debianDsaListFormat,
  debianTrackerFormat,
  alpineSecdbFormat,
  osvFormat,
];

export function feedFormat(format: FeedFormat): FeedFormatHandler {
  const handler = FEED_FORMATS.find((h) => h.format === format);
  if (handler === undefined) throw new Error(`no handler for feed format ${format}`);
  return handler;
}
