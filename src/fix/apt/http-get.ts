/**
 * Downloads for APT repositories: a small GET with a byte cap, a timeout between bytes, bounded redirects and
 * bounded retries on 429/5xx/connection errors. `file:` URLs are read from disk (apt's `file:` method, for
 * air-gapped mirrors). A 404/410 is "absent", not an error, so callers can fall back (InRelease → Release).
 * The vulnerability-database downloader (vulndb/update/http-fetch.ts) does the same for feeds; fix/ may not import
 * vulndb/, and repository files need different results (absent, exact size and hash), so this is its own small copy.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { GroutError } from '../../core/errors.js';
import { abortableSleep, idleTimeout } from '../../core/abort.js';

export interface HttpGetOptions {
  /** No response, or no body bytes, for this long fails the attempt. Default 60 s. */
  timeoutMs?: number;
  /** A body larger than this fails with E_TOO_LARGE. */
  maxBytes?: number;
  /** Extra attempts after a 429, a 5xx or a connection error. Default 2. */
  retries?: number;
  /** First back-off delay, doubled per attempt. Default 500 ms. */
  retryDelayMs?: number;
  signal?: AbortSignal;
}

export interface DownloadExpectation {
  /** Exact size in bytes from the signed index. */
  size: number;
  /** sha256 hex from the signed index. */
  sha256: string;
}

const DEFAULTS = { timeoutMs: 60_000, maxBytes: 256 * 1024 * 1024, retries: 2, retryDelayMs: 500 };
const MAX_REDIRECTS = 5;
export const REPO_HINT = 'check the repository URL (or pass --repo with a reachable mirror) and the network';

/** `https://user:pw@host/x` → `https://host/x`: credentials never appear in messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * The body of `url`, or undefined when the server says it does not exist (404/410, or a missing local file).
 * @example const inRelease = await httpGet('http://127.0.0.1:8080/debian/dists/bookworm/InRelease', { maxBytes: 1 << 24 });
 */
export async function httpGet(url: string, options: HttpGetOptions = {}): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  const found = await withRetries(url, options, (settings) => {
    chunks.length = 0;
    return attempt(url, settings, () => collector(chunks));
  });
  return found ? Buffer.concat(chunks) : undefined;
}

/**
 * Download `url` to `target`, checking the exact size and sha256 the signed index gave: a mismatch is
 * E_DIGEST_MISMATCH naming the URL, and the partial file is removed. An absent file is E_NETWORK.
 */
export async function downloadVerified(url: string, target: string, expected: DownloadExpectation, options: HttpGetOptions = {}): Promise<void> {
  const shown = redactUrl(url);
  try {
    const found = await withRetries(url, { ...options, maxBytes: expected.size }, (settings) => attempt(url, settings, () => createWriteStream(target)));
    if (!found) throw new GroutError('E_NETWORK', `cannot download ${shown}: not found (HTTP 404)`, { hint: 'the repository index lists a file the server does not have; is the mirror mid-update?' });
    await verifyFile(target, expected, shown);
  } catch (err) {
    await rm(target, { force: true });
    throw err instanceof GroutError && err.code === 'E_TOO_LARGE' ? longerThanSigned(shown, expected.size) : err;
  }
}

/** A body longer than the signed size is a mismatch, not merely a big file. */
export function longerThanSigned(shown: string, size: number): GroutError {
  return new GroutError('E_DIGEST_MISMATCH', `${shown} is longer than the ${size} bytes the signed index says`, { hint: 'the mirror may be mid-update or tampered with; try again or use another mirror' });
}

async function verifyFile(file: string, expected: DownloadExpectation, shown: string): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  checkDigest(shown, expected, size, hash.digest('hex'));
}

/** Throw E_DIGEST_MISMATCH unless `size`/`sha256` are the expected ones. */
export function checkDigest(shown: string, expected: DownloadExpectation, size: number, sha256: string): void {
  if (size !== expected.size) {
    throw new GroutError('E_DIGEST_MISMATCH', `${shown} is ${size} bytes; the signed index says ${expected.size}`, { hint: 'the mirror may be mid-update or tampered with; try again or use another mirror' });
  }
  if (sha256 !== expected.sha256.toLowerCase()) {
    throw new GroutError('E_DIGEST_MISMATCH', `${shown} has sha256 ${sha256}; the signed index says ${expected.sha256}`, { hint: 'the mirror may be mid-update or tampered with; try again or use another mirror' });
  }
}

type Settings = typeof DEFAULTS & HttpGetOptions;

class Retryable extends Error {}

async function withRetries(url: string, options: HttpGetOptions, run: (settings: Settings) => Promise<boolean>): Promise<boolean> {
  const settings: Settings = { ...DEFAULTS, ...options };
  for (let n = 0; ; n++) {
    try {
      return await run(settings);
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      if (n >= settings.retries) {
        throw new GroutError('E_NETWORK', `cannot download ${redactUrl(url)}: ${err.message}${n > 0 ? ` (after ${n + 1} attempts)` : ''}`, { cause: err.cause ?? err, hint: REPO_HINT });
      }
      await abortableSleep(settings.retryDelayMs * 2 ** n, settings.signal);
    }
  }
}

function collector(chunks: Buffer[]): NodeJS.WritableStream {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
}

/** One attempt: true when the body was written to `sink()`, false when the file does not exist. */
async function attempt(url: string, settings: Settings, sink: () => NodeJS.WritableStream): Promise<boolean> {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new GroutError('E_USAGE', `not a usable repository URL: ${shown}`, { cause });
  }
  if (parsed.protocol === 'file:') return readLocal(parsed, shown, settings, sink);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GroutError('E_USAGE', `unsupported repository URL scheme ${parsed.protocol} in ${shown}`, { hint: 'use http, https or file URLs' });
  }
  const idle = idleTimeout(settings.timeoutMs, settings.signal);
  const arm = (): void => idle.arm();
  const failure = (cause: unknown): Error => {
    if (settings.signal?.aborted) return settings.signal.reason instanceof Error ? settings.signal.reason : new Error('aborted');
    return new Retryable(idle.timedOut() ? `no data for ${settings.timeoutMs} ms` : describe(cause), { cause });
  };
  try {
    settings.signal?.throwIfAborted();
    const auth = parsed.username !== '' || parsed.password !== '' ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}` : undefined;
    const origin = parsed.origin;
    let current = new URL(parsed);
    current.username = '';
    current.password = '';
    let response: Response;
    for (let redirects = 0; ; redirects++) {
      const headers: Record<string, string> = { 'user-agent': 'grout (fix)', 'accept-encoding': 'identity' };
      if (auth !== undefined && current.origin === origin) headers['authorization'] = auth;
      arm();
      try {
        response = await fetch(current, { redirect: 'manual', headers, signal: idle.signal });
      } catch (cause) {
        throw failure(cause);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        if (redirects >= MAX_REDIRECTS) throw new GroutError('E_NETWORK', `cannot download ${shown}: more than ${MAX_REDIRECTS} redirects`, { hint: REPO_HINT });
        current = new URL(location, current);
        if (current.protocol !== 'https:' && current.protocol !== 'http:') {
          throw new GroutError('E_NETWORK', `cannot download ${shown}: redirected to a ${current.protocol} URL`, { hint: REPO_HINT });
        }
        continue;
      }
      break;
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return false;
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new Retryable(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new GroutError('E_NETWORK', `cannot download ${shown}: HTTP ${response.status} ${response.statusText}`.trim(), { hint: REPO_HINT });
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(length) && length > settings.maxBytes) {
      await response.body.cancel();
      throw tooLarge(shown, settings.maxBytes);
    }
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), meter(shown, settings.maxBytes, arm), sink());
    } catch (cause) {
      if (cause instanceof GroutError) throw cause;
      throw failure(cause);
    }
    return true;
  } finally {
    idle.dispose();
  }
}

async function readLocal(url: URL, shown: string, settings: Settings, sink: () => NodeJS.WritableStream): Promise<boolean> {
  const path = fileURLToPath(url);
  try {
    await pipeline(createReadStream(path), meter(shown, settings.maxBytes, () => {}), sink());
    return true;
  } catch (cause) {
    if (cause instanceof GroutError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new GroutError('E_IO', `cannot read ${path}: ${(cause as Error).message}`, { cause, file: path });
  }
}

function meter(shown: string, maxBytes: number, onData: () => void): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onData();
      bytes += chunk.length;
      if (bytes > maxBytes) callback(tooLarge(shown, maxBytes));
      else callback(null, chunk);
    },
  });
}

function tooLarge(shown: string, maxBytes: number): GroutError {
  return new GroutError('E_TOO_LARGE', `${shown} is larger than ${maxBytes} bytes`, { hint: 'the signed index gives a smaller size, or the file is larger than grout accepts' });
}

/** undici says "fetch failed" and keeps the useful part (ECONNREFUSED 127.0.0.1:9) in `cause`. */
function describe(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current.message !== '' && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(cause);
}

