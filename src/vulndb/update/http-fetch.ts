/**
 * Download one feed file: a conditional GET (If-None-Match / If-Modified-Since from the previous fingerprint), the
 * body streamed to a temp file while its sha256 is computed (never buffered whole), bounded redirects, bounded
 * retries with back-off on 429/5xx and connection errors (honouring Retry-After). `file://` URLs and plain paths
 * are accepted too, for mirrors on disk. Fetching is separate from parsing (claircore's updaters do the same).
 *
 * @example
 * const r = await fetchFeed('https://www.cisa.gov/…/known_exploited_vulnerabilities.json', stored.fingerprint, { timeoutMs: 30_000 });
 * if (r.status === 'downloaded') { parse(r.file); await r.dispose(); }
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { GroutError } from '../../core/errors.js';
import { decodeFingerprint, encodeFingerprint, type Fingerprint } from './fingerprint.js';
import { redactUrl } from './redact-url.js';
import { abortableSleep, idleTimeout } from '../../core/abort.js';

export interface FetchOptions {
  /** No response, or no body bytes, for this long fails the attempt. Default 60 s. */
  timeoutMs?: number;
  /** A body larger than this fails with E_TOO_LARGE. Default 4 GiB. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Extra attempts after a 429, a 5xx or a connection error. Default 3. */
  retries?: number;
  /** First back-off delay, doubled per attempt, when the server gives no Retry-After. Default 1 s. */
  retryDelayMs?: number;
  /** Cap on any single wait, Retry-After included. Default 60 s. */
  maxRetryDelayMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Where the temp directory for downloads is made. Default the OS temp dir. */
  tempDir?: string;
  /** Called as body bytes arrive; `total` when the server sent Content-Length. */
  onBytes?: (bytes: number, total?: number) => void;
}

export type FetchResult =
  | { status: 'unchanged' }
  | {
      status: 'downloaded';
      /** The downloaded file (or, for a local mirror, the file or directory itself). */
      file: string;
      /** sha256, ETag and Last-Modified of what was fetched (no parser part). */
      fingerprint: string;
      bytes: number;
      /** Remove the temp download (a no-op for local mirrors). */
      dispose(): Promise<void>;
    };

const DEFAULTS = { timeoutMs: 60_000, maxBytes: 4 * 1024 ** 3, retries: 3, retryDelayMs: 1000, maxRetryDelayMs: 60_000, maxRedirects: 5 };
/** Bound on files listed to fingerprint a local mirror directory. */
const MAX_DIR_ENTRIES = 100_000;

export const OFFLINE_HINT = 'offline or behind a firewall? fetch the feed files elsewhere and run `grout db import <dir|zip|file>`';

/** Fetch `url` unless it is unchanged since `previousFingerprint`. Errors are GroutErrors naming the (redacted) URL. */
export async function fetchFeed(url: string, previousFingerprint: string | undefined, options: FetchOptions = {}): Promise<FetchResult> {
  const previous = decodeFingerprint(previousFingerprint);
  if (isLocal(url)) return fetchLocal(url, previous);
  return fetchHttp(url, previous, { ...DEFAULTS, ...options });
}

function isLocal(url: string): boolean {
  return url.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

async function fetchLocal(url: string, previous: Fingerprint): Promise<FetchResult> {
  let path: string;
  try {
    path = url.startsWith('file:') ? fileURLToPath(url) : resolve(url);
  } catch (cause) {
    throw new GroutError('E_USAGE', `not a usable file URL: ${redactUrl(url)}`, { cause });
  }
  let sha256: string;
  let bytes = 0;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      sha256 = await hashDirectoryListing(path);
    } else {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      sha256 = hash.digest('hex');
    }
  } catch (cause) {
    throw new GroutError('E_IO', `cannot read feed ${path}: ${(cause as Error).message}`, { file: path, cause, hint: OFFLINE_HINT });
  }
  if (previous.sha256 === sha256) return { status: 'unchanged' };
  return { status: 'downloaded', file: path, fingerprint: encodeFingerprint({ sha256 }), bytes, dispose: async () => {} };
}

/** A directory mirror changes when any file under it is added, removed, resized or touched. */
async function hashDirectoryListing(root: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = (await readdir(root, { recursive: true, withFileTypes: true })).slice(0, MAX_DIR_ENTRIES);
  const lines: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const info = await stat(full);
    lines.push(`${relative(root, full)}\u0000${info.size}\u0000${info.mtimeMs}`);
  }
  for (const line of lines.sort()) hash.update(`${line}\n`);
  return hash.digest('hex');
}

type Settings = typeof DEFAULTS & FetchOptions;

/** Thrown inside an attempt when trying again may help. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

async function fetchHttp(url: string, previous: Fingerprint, settings: Settings): Promise<FetchResult> {
  const shown = redactUrl(url);
  const dir = await mkdtemp(join(settings.tempDir ?? tmpdir(), 'grout-fetch-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await attemptHttp(url, previous, settings, join(dir, downloadName(url)));
        if (result.status === 'unchanged') await dispose();
        return result.status === 'unchanged' ? result : { ...result, dispose };
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        if (attempt >= settings.retries) {
          throw new GroutError('E_NETWORK', `cannot download ${shown}: ${err.message}${attempt > 0 ? ` (after ${attempt + 1} attempts)` : ''}`, { cause: err.cause ?? err, hint: OFFLINE_HINT });
        }
        const backoff = settings.retryDelayMs * 2 ** attempt;
        await abortableSleep(Math.min(err.retryAfterMs ?? backoff, settings.maxRetryDelayMs), settings.signal);
      }
    }
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function attemptHttp(
  url: string,
  previous: Fingerprint,
  settings: Settings,
  target: string,
): Promise<{ status: 'unchanged' } | { status: 'downloaded'; file: string; fingerprint: string; bytes: number }> {
  const idle = idleTimeout(settings.timeoutMs, settings.signal);
  const arm = (): void => idle.arm();
  const shown = redactUrl(url);
  try {
    settings.signal?.throwIfAborted();
    let current = new URL(url);
    const auth = credentialsHeader(current);
    const origin = current.origin;
    current.username = '';
    current.password = '';
    let response: Response;
    for (let redirects = 0; ; redirects++) {
      const headers: Record<string, string> = { 'user-agent': 'grout (vulnerability database update)', 'accept-encoding': 'identity' };
      if (previous.etag !== undefined) headers['if-none-match'] = previous.etag;
      if (previous.lastModified !== undefined) headers['if-modified-since'] = previous.lastModified;
      // Credentials go only to the origin they were given for, never to a redirect target elsewhere.
      if (auth !== undefined && current.origin === origin) headers['authorization'] = auth;
      arm();
      try {
        response = await fetch(current, { redirect: 'manual', headers, signal: idle.signal });
      } catch (cause) {
        throw networkFailure(cause, idle.timedOut(), settings);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location !== null) {
        await response.body?.cancel();
        if (redirects >= settings.maxRedirects) {
          throw new GroutError('E_NETWORK', `cannot download ${shown}: more than ${settings.maxRedirects} redirects`, { hint: OFFLINE_HINT });
        }
        current = new URL(location, current);
        if (current.protocol !== 'https:' && current.protocol !== 'http:') {
          throw new GroutError('E_NETWORK', `cannot download ${shown}: redirected to a ${current.protocol} URL`, { hint: OFFLINE_HINT });
        }
        continue;
      }
      break;
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'unchanged' };
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new Retryable(`HTTP ${response.status} ${response.statusText}`.trim(), retryAfterMs(response.headers.get('retry-after')));
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new GroutError('E_NETWORK', `cannot download ${shown}: HTTP ${response.status} ${response.statusText}`.trim(), { hint: OFFLINE_HINT });
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = Number.isFinite(length) && length >= 0 ? length : undefined;
    if (total !== undefined && total > settings.maxBytes) {
      await response.body.cancel();
      throw tooLarge(shown, settings.maxBytes);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        arm();
        bytes += chunk.length;
        if (bytes > settings.maxBytes) {
          callback(tooLarge(shown, settings.maxBytes));
          return;
        }
        hash.update(chunk);
        settings.onBytes?.(bytes, total);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), meter, createWriteStream(target));
    } catch (cause) {
      if (cause instanceof GroutError) throw cause;
      throw networkFailure(cause, idle.timedOut(), settings);
    }
    if (total !== undefined && bytes !== total) throw new Retryable(`the body ended after ${bytes} of ${total} bytes`, undefined);
    const sha256 = hash.digest('hex');
    if (previous.sha256 === sha256) return { status: 'unchanged' };
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    return {
      status: 'downloaded',
      file: target,
      fingerprint: encodeFingerprint({ sha256, ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) }),
      bytes,
    };
  } finally {
    idle.dispose();
  }
}

function networkFailure(cause: unknown, timedOut: boolean, settings: Settings): Error {
  if (settings.signal?.aborted) return settings.signal.reason instanceof Error ? settings.signal.reason : new Error('aborted');
  if (timedOut) return new Retryable(`no data for ${Math.round(settings.timeoutMs / 100) / 10} s`, undefined, cause);
  return new Retryable(describeCause(cause), undefined, cause);
}

/** undici reports "fetch failed" and hides the useful part (ECONNREFUSED 127.0.0.1:9) in `cause`. */
function describeCause(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current.message !== '' && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(cause);
}

function tooLarge(shown: string, maxBytes: number): GroutError {
  return new GroutError('E_TOO_LARGE', `${shown} is larger than the ${maxBytes}-byte limit`, { hint: 'raise the limit, or download it yourself and use grout db import' });
}

function credentialsHeader(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The URL's last path segment, made safe as a file name (its extension helps format sniffing). */
function downloadName(url: string): string {
  let segment = '';
  try {
    segment = new URL(url).pathname.split('/').filter((s) => s !== '').pop() ?? '';
    segment = decodeURIComponent(segment);
  } catch {
    segment = '';
  }
  const safe = segment.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 100);
  return safe === '' ? 'feed' : safe;
}

