/**
 * Reading feed files: plain or gzip (detected by its magic bytes, not the name), streamed in chunks with a cap on
 * the decompressed size, and every failure turned into a GroutError that names the file. Shared by the Debian,
 * KEV, EPSS and EOL feed formats.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { GroutError, isGroutError } from '../../../core/errors.js';
import type { FeedInput } from '../../feed.js';

export interface ReadOptions {
  /** Cap on the (decompressed) bytes read; more is an `E_TOO_LARGE` error. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

/** How much text `headText` decompresses from a gzip head at most. */
const MAX_HEAD_TEXT = 1024 * 1024;

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The start of a file as text, for sniffing: a gzip head is decompressed as far as it goes. Never throws; bytes
 * that are not text come out as replacement characters, a broken gzip head as ''.
 */
export function headText(head: Uint8Array): string {
  let bytes: Uint8Array = head;
  if (isGzip(head)) {
    try {
      bytes = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_HEAD_TEXT });
    } catch {
      return '';
    }
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A GroutError for a feed file that is not in the format it claims. */
export function feedFormatError(label: string, message: string, cause?: unknown): GroutError {
  return new GroutError('E_FEED_FORMAT', `${label}: ${message}`, cause === undefined ? { file: label } : { file: label, cause });
}

/**
 * The bytes of a feed file, decompressed when it is gzip, in chunks.
 * @throws GroutError `E_IO` (unreadable), `E_FEED_FORMAT` (broken gzip), `E_TOO_LARGE` (over `maxBytes`).
 */
export async function* readFeedBytes(input: FeedInput, options: ReadOptions): AsyncGenerator<Buffer> {
  const gzip = await startsWithGzip(input);
  const source = createReadStream(input.path, { highWaterMark: 256 * 1024 });
  let stream: Readable = source;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    source.on('error', (error) => gunzip.destroy(error));
    stream = source.pipe(gunzip);
  }
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      total += chunk.length;
      if (total > options.maxBytes) {
        throw new GroutError('E_TOO_LARGE', `${input.label}: more than ${options.maxBytes} bytes${gzip ? ' after decompression' : ''}`, {
          file: input.label,
        });
      }
      yield chunk;
    }
  } catch (error) {
    throw asReadError(input.label, error, options.signal, gzip);
  } finally {
    source.destroy();
    stream.destroy();
  }
}

/** The whole (decompressed) file as text, capped. */
export async function readFeedText(input: FeedInput, options: ReadOptions): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of readFeedBytes(input, options)) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The whole (decompressed) file parsed as JSON, capped; a syntax error is `E_FEED_FORMAT`. */
export async function readFeedJson(input: FeedInput, options: ReadOptions): Promise<unknown> {
  const text = await readFeedText(input, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw feedFormatError(input.label, `not valid JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

async function startsWithGzip(input: FeedInput): Promise<boolean> {
  let handle;
  try {
    handle = await open(input.path, 'r');
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } catch (error) {
    throw asReadError(input.label, error, undefined, false);
  } finally {
    await handle?.close();
  }
}

function asReadError(label: string, error: unknown, signal: AbortSignal | undefined, gzip: boolean): unknown {
  if (isGroutError(error) || (signal?.aborted === true && error === signal.reason)) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (gzip && (code.startsWith('Z_') || /incorrect header|unexpected end of file/i.test(message))) {
    return feedFormatError(label, `not a valid gzip stream (${message})`, error);
  }
  return new GroutError('E_IO', `${label}: cannot read (${code || message})`, { file: label, cause: error });
}
