/**
 * The push side of the OCI distribution API ("Pushing blobs" and "Pushing manifests",
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#push): a blob is skipped when the registry
 * has it (HEAD), mounted from another repository of the same registry when it is there, and otherwise uploaded —
 * one PUT for small blobs, PATCH chunks and a closing PUT for large ones, streamed from disk. Every answer's
 * `Docker-Content-Digest` is checked against the digest we computed.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { digestOf } from '../../core/digest.js';
import { GroutError } from '../../core/errors.js';
import { headerValue } from './auth.js';
import { discardBody, readBody, type HttpResponse } from './http.js';
import { redactText } from './redact.js';
import { registryErrors, type RegistryClient, type SendOptions } from './registry-client.js';

export interface PushBlob {
  digest: string;
  size: number;
  /** Bytes `[start, end)` of the blob, read from disk: called once per request, so a retry reads them again. */
  open: (start: number, end: number) => Readable;
}

export interface BlobPushOptions {
  /** A repository of the same registry that has the blob: tried as a cross-repository mount before uploading. */
  mountFrom?: string;
  /** Blobs larger than this go up as PATCH chunks of this size (default 32 MiB); smaller ones in one PUT. */
  chunkSize?: number;
  signal?: AbortSignal;
}

/** A blob in a file: ranges read from disk as they are sent. */
export function fileBlob(path: string, digest: string, size: number): PushBlob {
  return { digest, size, open: (start, end) => (end > start ? createReadStream(path, { start, end: end - 1, highWaterMark: 512 * 1024 }) : Readable.from([])) };
}

/** A small blob in memory (a config). */
export function bufferBlob(bytes: Buffer): PushBlob {
  return { digest: digestOf(bytes, 'sha256'), size: bytes.length, open: (start, end) => Readable.from([bytes.subarray(start, end)]) };
}

/** What became of a blob: the registry had it, mounted it from another repository, or received its bytes. */
export type BlobPushOutcome = 'exists' | 'mounted' | 'uploaded';

export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
const OCTET_STREAM = 'application/octet-stream';
/** A chunk the registry did not take (416) is resent from where it says it is; this many times without progress. */
const MAX_STALLS = 3;

/** The token scopes a push to `repository` asks for: pull and push there, and pull on the mount source. */
export function pushScopes(repository: string, mountFrom?: string): string[] {
  return [`repository:${repository}:pull,push`, ...(mountFrom !== undefined && mountFrom !== repository ? [`repository:${mountFrom}:pull`] : [])];
}

/**
 * Make sure `repository` has the blob: skipped, mounted, or uploaded.
 *
 * @example
 * await pushBlob(client, 'team/app', { digest, size, open: (s, e) => createReadStream(file, { start: s, end: e - 1 }) });
 */
export async function pushBlob(client: RegistryClient, repository: string, blob: PushBlob, options: BlobPushOptions = {}): Promise<BlobPushOutcome> {
  const what = `${client.domain}/${repository}@${blob.digest}`;
  const base: SendOptions = { scopes: pushScopes(repository, options.mountFrom), ...(options.signal ? { signal: options.signal } : {}) };
  const head = await client.send(repository, `blobs/${blob.digest}`, { ...base, method: 'HEAD' }, what);
  if (head.status !== 200 && head.status !== 404) throw await pushFailure(head, what, 'checking for the blob');
  discardBody(head);
  if (head.status === 200) {
    checkDigestHeader(head, blob.digest, what);
    return 'exists';
  }

  const mount = options.mountFrom !== undefined && options.mountFrom !== repository ? `?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(options.mountFrom)}` : '';
  const started = await client.send(repository, `blobs/uploads/${mount}`, { ...base, method: 'POST' }, what);
  if (started.status === 201 && mount !== '') {
    discardBody(started);
    checkDigestHeader(started, blob.digest, what);
    return 'mounted';
  }
  if (started.status !== 202) throw await pushFailure(started, what, 'starting the upload');
  discardBody(started);
  let location = uploadLocation(started, undefined, what);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  try {
    // Small blobs go up in the closing PUT itself (a monolithic upload); large ones in PATCH chunks first.
    const monolithic = blob.size <= chunkSize;
    if (!monolithic) location = await sendBytes(client, repository, blob, location, base, chunkSize, what);
    const url = new URL(location);
    url.searchParams.set('digest', blob.digest);
    const body = monolithic ? { body: { length: blob.size, open: () => blob.open(0, blob.size) } } : {};
    const done = await client.send(repository, url, { ...base, method: 'PUT', headers: { 'content-type': OCTET_STREAM }, ...body }, what);
    if (done.status !== 201) throw await pushFailure(done, what, 'completing the upload');
    discardBody(done);
    checkDigestHeader(done, blob.digest, what);
    return 'uploaded';
  } catch (err) {
    // Tell the registry to drop what it holds of this upload; it would expire anyway, so failures do not matter.
    await client
      .send(repository, location, { ...base, method: 'DELETE' }, what)
      .then(discardBody)
      .catch(() => {});
    throw err;
  }
}

/**
 * Send the blob's bytes to an upload session in PATCH chunks, following the
 * `Location` (relative or absolute) and `Range` the registry answers each time. Returns the latest location.
 */
async function sendBytes(client: RegistryClient, repository: string, blob: PushBlob, start: URL, base: SendOptions, chunkSize: number, what: string): Promise<URL> {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new GroutError('E_INTERNAL', `chunk size ${chunkSize} is not a positive integer`);
  let location = start;
  let offset = 0;
  let stalls = 0;
  while (offset < blob.size) {
    const end = Math.min(offset + chunkSize, blob.size);
    const from = offset;
    const res = await client.send(
      repository,
      location,
      {
        ...base,
        method: 'PATCH',
        headers: { 'content-type': OCTET_STREAM, 'content-range': `${from}-${end - 1}` },
        body: { length: end - from, open: () => blob.open(from, end) },
      },
      what,
    );
    if (res.status !== 202 && res.status !== 416) throw await pushFailure(res, what, `sending bytes ${from}-${end - 1}`);
    discardBody(res);
    location = uploadLocation(res, location, what);
    const received = receivedBytes(res);
    if (res.status === 202 && received === undefined) {
      offset = end; // a registry that does not say: trust the 202
    } else {
      if (received === undefined || received > blob.size) throw new GroutError('E_NETWORK', `${what}: the registry answered the upload with an unusable Range (${headerValue(res.headers['range']) ?? 'none'})`);
      if (received <= from && ++stalls > MAX_STALLS) throw new GroutError('E_NETWORK', `${what}: the registry keeps refusing bytes from offset ${from} (HTTP ${res.status})`);
      if (received > from) stalls = 0;
      offset = received;
    }
  }
  return location;
}

/** `Range: 0-<last>` (the spec's form; distribution also writes `bytes=0-<last>`) as the count of bytes held. */
function receivedBytes(res: HttpResponse): number | undefined {
  const range = /^(?:bytes=)?0-(\d{1,15})$/.exec((headerValue(res.headers['range']) ?? '').trim());
  return range ? Number(range[1]) + 1 : undefined;
}

/** The upload URL to use next: the answer's `Location`, resolved against the URL that was asked. */
function uploadLocation(res: HttpResponse, previous: URL | undefined, what: string): URL {
  const text = headerValue(res.headers['location']);
  if (text === undefined || text === '') {
    if (previous !== undefined) return previous;
    throw new GroutError('E_NETWORK', `${what}: the registry started an upload without a Location`);
  }
  try {
    return new URL(text, res.url);
  } catch {
    throw new GroutError('E_NETWORK', `${what}: the registry sent an unusable upload Location`);
  }
}

/** The registry's idea of the digest must be ours: a proxy or registry that altered the bytes is caught here. */
function checkDigestHeader(res: HttpResponse, digest: string, what: string): void {
  const header = headerValue(res.headers['docker-content-digest'])?.trim();
  if (header !== undefined && header !== '' && header !== digest) {
    throw new GroutError('E_DIGEST_MISMATCH', `${what}: the registry stored ${header}, not ${digest}`, { hint: 'the registry or a proxy in between altered the bytes' });
  }
}

/**
 * PUT a manifest under a tag (or digest) with its media type; the registry must answer 201 with our digest.
 * Returns the manifest's digest.
 */
export async function pushManifest(client: RegistryClient, repository: string, reference: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
  const digest = digestOf(bytes, 'sha256');
  const what = `${client.domain}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
  const res = await client.send(repository, `manifests/${reference}`, { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes, scopes: pushScopes(repository), ...(signal ? { signal } : {}) }, what);
  if (res.status !== 201 && res.status !== 200) throw await pushFailure(res, what, 'storing the manifest');
  discardBody(res);
  checkDigestHeader(res, digest, what);
  return digest;
}

/** A refused push step as an error naming the step, the status and the registry's error codes (redacted). */
async function pushFailure(res: HttpResponse, what: string, step: string): Promise<GroutError> {
  const body = res.status === 204 || res.body.readableEnded ? Buffer.alloc(0) : await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
  const errors = registryErrors(body);
  const detail = errors.length ? `: ${redactText(errors.map((e) => `${e.code}${e.message ? ` (${e.message})` : ''}`).join('; ').slice(0, 300))}` : '';
  return new GroutError('E_NETWORK', `${what}: the registry refused ${step} (HTTP ${res.status})${detail}`, {
    hint: 'nothing was tagged: the push stops before the manifest, so existing tags are unchanged',
  });
}
