/**
 * `grout db import <dir|zip|file>…`: load local feed files into the database, for air-gapped sites. Each input is
 * recognised by the FEED_FORMATS table (each handler's `sniff` on the first 4 KiB, or on the directory). A directory
 * that is not itself one format is walked (a few levels, bounded; see `discoverFeeds`) so a mirror laid out like `vulndata/` — `osv/`,
 * `alpine/…`, `debian/…`, `kev/`, `epss/`, `eol/` — imports in one go. Each recognised file or directory becomes
 * the feed `<format>:<path relative to the import root>`; other feeds in the database are kept, and importing the
 * same path again replaces that feed.
 *
 * @example
 * await importDatabase(settings.dbPath, ['/media/usb/vulndata']);
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { GroutError } from '../../core/errors.js';
import type { FeedFormatHandler } from '../feed.js';
import { FEED_FORMATS } from '../feeds/index.js';
import { StoreBuilder } from '../store/store-builder.js';
import { fetchFeed } from './http-fetch.js';
import type { DatabaseChangeSummary, FeedResult, UpdateListener } from './update-events.js';

export interface ImportOptions {
  formats?: readonly FeedFormatHandler[];
  onProgress?: UpdateListener;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface ImportSummary extends DatabaseChangeSummary {
  /** Files and directories inside the inputs that no format recognised (informational). */
  ignored: string[];
}

/** A recognised feed inside an input. */
export interface DiscoveredFeed {
  name: string;
  path: string;
  handler: FeedFormatHandler;
}

const HEAD_BYTES = 4096;
/** Below an import root, how deep a mirror's feeds may sit (`alpine/secdb-legacy/v3.10/main.yaml` is 4). */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 20_000;
/** Entries of one directory examined (a huge OSV directory is judged by its first ones). */
const MAX_ENTRIES_PER_DIRECTORY = 2_000;

export async function importDatabase(dbPath: string, inputs: readonly string[], options: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  if (inputs.length === 0) throw new GroutError('E_USAGE', 'nothing to import: give one or more directories, zips or files');
  const formats = options.formats ?? FEED_FORMATS;
  const emit = options.onProgress ?? (() => {});
  const discovered: DiscoveredFeed[] = [];
  const ignored: string[] = [];
  for (const input of inputs) {
    const found = discoverFeeds(input, formats);
    ignored.push(...found.ignored);
    for (const feed of found.feeds) if (!discovered.some((d) => d.name === feed.name)) discovered.push(feed);
  }
  const builder = await StoreBuilder.open(dbPath, options.now ? { now: options.now } : {});
  const results: FeedResult[] = [];
  try {
    for (const feed of discovered) {
      options.signal?.throwIfAborted();
      emit({ type: 'feed-start', feed: feed.name, source: feed.path });
      const load = { name: feed.name, format: feed.handler.format, source: feed.path, fingerprint: await localFingerprint(feed) };
      let result: FeedResult;
      try {
        const items = feed.handler.parse({ path: feed.path, label: feed.path }, { feed: feed.name, ...(options.signal ? { signal: options.signal } : {}) });
        const loaded = await builder.loadFeed(load, items, (records) => emit({ type: 'feed-records', feed: feed.name, records }));
        result =
          loaded.error === undefined
            ? { name: feed.name, outcome: 'updated', status: loaded.status }
            : { name: feed.name, outcome: 'failed', status: loaded.status, error: asError(loaded.error) };
      } catch (error) {
        // parse() itself threw before yielding an iterable.
        result = { name: feed.name, outcome: 'failed', status: builder.failFeed(load, error), error: asError(error) };
      }
      results.push(result);
      emit({ type: 'feed-done', feed: feed.name, outcome: result.outcome, ...(result.status ? { status: result.status } : {}), ...(result.error ? { error: result.error.message } : {}) });
    }
    options.signal?.throwIfAborted();
    const built = await builder.commit();
    const byName = new Map(built.metadata.feeds.map((s) => [s.name, s]));
    return {
      dbPath,
      builtAt: built.metadata.builtAt,
      rebuilt: true,
      feeds: results.map((r) => {
        const status = byName.get(r.name);
        return status === undefined ? r : { ...r, status };
      }),
      removedTempFiles: [],
      durationMs: Date.now() - started,
      ignored,
    };
  } catch (err) {
    builder.abort();
    throw err;
  }
}

/**
 * The feeds inside one import input. A file a handler recognises is one feed. A directory is one feed when a
 * handler recognises it and everything recognisable inside it is of that same format; otherwise (a mirror of
 * several formats, or a directory no handler claims) its entries are examined the same way, a few levels deep.
 * Handlers' directory sniffing looks for any file of their kind, so without the "same format inside" rule a mirror
 * holding one Alpine file would be read as one Alpine feed. Nothing recognised → E_FEED_FORMAT naming the input.
 */
export function discoverFeeds(input: string, formats: readonly FeedFormatHandler[]): { feeds: DiscoveredFeed[]; ignored: string[] } {
  const root = resolve(input);
  let info: Stats;
  try {
    info = statSync(root);
  } catch (cause) {
    throw new GroutError('E_IO', `cannot read ${input}: ${(cause as Error).message}`, { file: input, cause });
  }
  const ignored: string[] = [];
  let budget = MAX_ENTRIES;
  const nameOf = (path: string, handler: FeedFormatHandler): string =>
    `${handler.format}:${path === root ? basename(root) : relative(root, path).split(sep).join('/')}`;

  const classify = (path: string, entry: Stats, depth: number): DiscoveredFeed[] => {
    const handler = recognise(path, entry, formats);
    if (!entry.isDirectory()) {
      if (handler !== undefined) return [{ name: nameOf(path, handler), path, handler }];
      ignored.push(path);
      return [];
    }
    const inside: DiscoveredFeed[] = [];
    if (depth < MAX_DEPTH) {
      let names: string[] = [];
      try {
        names = readdirSync(path).sort().slice(0, MAX_ENTRIES_PER_DIRECTORY);
      } catch {
        // Unreadable: judged by the handler's verdict alone.
      }
      for (const name of names) {
        if (name.startsWith('.') || budget-- <= 0) continue;
        const child = join(path, name);
        let childInfo: Stats;
        try {
          childInfo = statSync(child);
        } catch {
          ignored.push(child);
          continue;
        }
        inside.push(...classify(child, childInfo, depth + 1));
      }
    }
    if (handler !== undefined && inside.every((f) => f.handler.format === handler.format)) {
      // One feed for the whole directory: forget what was noted inside it.
      const prefix = path + sep;
      for (let i = ignored.length - 1; i >= 0; i--) if ((ignored[i] as string).startsWith(prefix)) ignored.splice(i, 1);
      return [{ name: nameOf(path, handler), path, handler }];
    }
    return inside;
  };

  const feeds = classify(root, info, 0);
  if (feeds.length === 0) {
    throw new GroutError('E_FEED_FORMAT', `${input}: not a feed grout can read${info.isDirectory() ? ', and nothing inside it is one' : ''}`, {
      file: input,
      hint: 'grout db import reads OSV (directory, zip, .json, .jsonl[.gz]), Alpine secdb, Debian tracker JSON, DSA/DLA lists, CISA KEV, EPSS CSV and endoflife.date data',
    });
  }
  return { feeds, ignored: ignored.filter((p) => p !== root) };
}

function recognise(path: string, info: Stats, formats: readonly FeedFormatHandler[]): FeedFormatHandler | undefined {
  const isDirectory = info.isDirectory();
  if (!isDirectory && !info.isFile()) return undefined;
  const head = isDirectory ? new Uint8Array(0) : readHead(path);
  if (head === undefined) return undefined;
  for (const handler of formats) {
    try {
      if (handler.sniff(path, head, isDirectory)) return handler;
    } catch {
      // sniff must not throw; one that does simply does not recognise the input.
    }
  }
  return undefined;
}

function readHead(path: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** sha256 of the file (or of a directory's listing) plus the parser, as `grout db update` records for downloads. */
async function localFingerprint(feed: DiscoveredFeed): Promise<string> {
  const parser = `parser=${feed.handler.format}@${feed.handler.version}`;
  try {
    const fetched = await fetchFeed(feed.path, undefined);
    return fetched.status === 'downloaded' ? `${fetched.fingerprint};${parser}` : parser;
  } catch {
    // Unreadable now: parse() will say so with a proper error.
    return parser;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
