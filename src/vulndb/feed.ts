/**
 * Feeds: where advisories come from. A feed is a named source (`osv-npm`, `alpine-secdb-v3.20-main`, `kev`) with a
 * URL and a format; a format handler knows how to recognise and parse files of its format. Fetching (with the
 * previous fingerprint → unchanged | a downloaded file) and parsing (file → FeedItems) are separate steps, so the
 * same parser serves `grout db update` (downloads) and `grout db import` (local mirrors).
 */
import type { FeedItem } from './advisory.js';

export type FeedFormat = 'osv' | 'alpine-secdb' | 'debian-dsa-list' | 'debian-tracker' | 'kev' | 'epss' | 'eol';

/** A local file or directory to parse, and the name to use for it in messages (the URL or the import path). */
export interface FeedInput {
  path: string;
  label: string;
}

export interface ParseContext {
  /** The feed name to stamp on every advisory (`Advisory.feed`). */
  feed: string;
  signal?: AbortSignal;
}

export interface FeedFormatHandler {
  format: FeedFormat;
  /** Bumped whenever parsing changes what it yields; part of the store's fingerprint of a feed. */
  version: number;
  /**
   * Can this handler read `path`? `head` is up to the first 4 KiB of a file (empty for a directory). Must be cheap
   * and must not throw.
   */
  sniff(path: string, head: Uint8Array, isDirectory: boolean): boolean;
  /**
   * Parse a file or directory into items, streaming: a large feed is never held whole in memory. A malformed
   * record yields `{ type: 'skipped' }` naming the file/record and the reason; an unreadable or wholly malformed
   * input throws a GroutError naming `input.label`.
   */
  parse(input: FeedInput, context: ParseContext): AsyncIterable<FeedItem>;
}

/** A configured feed: what `grout db update` downloads. Every URL can be overridden (mirrors). */
export interface FeedDefinition {
  name: string;
  format: FeedFormat;
  url: string;
  description: string;
}
