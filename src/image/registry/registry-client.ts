import { isIP } from 'node:net';
import { digestOf, parseDigest } from '../../core/digest.js';
import { GroutError, isGroutError } from '../../core/errors.js';
import type { BlobBody } from '../../cache/blob-cache.js';
import { MAX_JSON_BYTES } from '../json-blob.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../manifest.js';
import { RegistryAuth, headerValue } from './auth.js';
import { resolveCredentials, type CredentialOptions } from './credentials.js';
import { DOCKER_HUB } from './docker-reference.js';
import { discardBody, HttpClient, networkError, readBody, type HttpRequest, type HttpResponse } from './http.js';
import { redactText, redactUrl } from './redact.js';
import { DEFAULT_RETRY, parseRetryAfter, RETRYABLE_STATUS, retryDelay, sleep, type RetryPolicy } from './retry.js';

export interface RegistryClientOptions extends CredentialOptions {
  /** PEM bundle of CAs to trust for this registry (`--ca-cert`), in addition to the system's. */
  caCert?: string | Buffer;
  /** `--insecure`: plain http to any host, and no certificate checks. */
  insecure?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Socket idle timeout; default 60 s. */
  timeoutMs?: number;
}

export interface FetchedManifest {
  bytes: Buffer;
  /** From Content-Type, else the document's own mediaType. */
  mediaType: string;
  /** The sha256 of the bytes (verified against the requested digest and Docker-Content-Digest). */
  digest: string;
}

/** What we accept, most specific first (OCI distribution spec "Pulling manifests"). */
const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(', ');
/** Docker Hub's API answers on a host of its own, not on the name references use. */
const DOCKER_HUB_API = 'registry-1.docker.io';
const MAX_REDIRECTS = 5;

/**
 * A client for one registry host speaking the OCI distribution API: manifests by tag or digest, blobs (with
 * Range for resuming), authentication, retries with back-off honouring Retry-After, redirects to blob storage.
 */
export class RegistryClient {
  private readonly http: HttpClient;
  private readonly auth: RegistryAuth;
  private readonly retry: RetryPolicy;
  private base: Promise<URL> | undefined;

  constructor(
    /** `host[:port]` as in the reference. */
    readonly domain: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.http = new HttpClient({
      ...(options.caCert !== undefined ? { ca: options.caCert } : {}),
      rejectUnauthorized: options.insecure !== true,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.retry = { ...DEFAULT_RETRY, ...(options.retry ?? {}) };
    this.auth = new RegistryAuth(this.http, domain, () => resolveCredentials(domain, options), (url) => options.insecure === true || isLoopback(url.hostname));
  }

  /**
   * GET a manifest or index by tag or digest, digest-verified: a by-digest reference must hash to that digest,
   * and the registry's Docker-Content-Digest must match what arrived.
   */
  async getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const what = `${this.domain}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const res = await this.send(repository, `manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT }, ...(signal ? { signal } : {}) }, what);
    if (res.status !== 200) throw await this.failure(res, what, 'manifest');
    const bytes = await readBody(res, MAX_JSON_BYTES);
    const byDigest = reference.includes(':');
    const algorithm = byDigest ? parseDigest(reference, what).algorithm : 'sha256';
    const computed = digestOf(bytes, algorithm);
    if (byDigest && computed !== reference) {
      throw new GroutError('E_DIGEST_MISMATCH', `${what}: the manifest the registry sent has digest ${computed}`, {
        hint: 'the registry or a proxy in between is serving the wrong content',
      });
    }
    const header = headerValue(res.headers['docker-content-digest'])?.trim();
    if (header && header.startsWith(`${algorithm}:`) && header !== computed) {
      throw new GroutError('E_DIGEST_MISMATCH', `${what}: the registry says the manifest is ${header} but the bytes hash to ${computed}`);
    }
    const contentType = (headerValue(res.headers['content-type']) ?? '').split(';')[0]!.trim();
    return { bytes, mediaType: contentType, digest: computed };
  }

  /** A blob from `offset` on, for the blob cache (which verifies the digest and resumes). */
  async openBlob(repository: string, digest: string, offset: number, signal?: AbortSignal): Promise<BlobBody> {
    const what = `${this.domain}/${repository}@${digest}`;
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    let res = await this.send(repository, `blobs/${digest}`, { headers, ...(signal ? { signal } : {}) }, what);
    if (res.status === 416 && offset > 0) {
      // Our partial copy is no prefix of this blob: start over.
      discardBody(res);
      res = await this.send(repository, `blobs/${digest}`, signal ? { signal } : {}, what);
    }
    if (res.status === 200) return { start: 0, body: guardBody(res) };
    if (res.status === 206) {
      const range = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(headerValue(res.headers['content-range']) ?? '');
      if (!range) {
        discardBody(res);
        throw new GroutError('E_NETWORK', `${what}: a partial answer without a usable Content-Range`);
      }
      return { start: Number(range[1]), body: guardBody(res) };
    }
    throw await this.failure(res, what, 'blob');
  }

  close(): void {
    this.http.close();
  }

  /**
   * One API call with authentication, retries and redirects; resolves with the final answer (not 401/429/5xx).
   * `target` is a path below `/v2/<repository>/`, or a full URL (an upload location the registry handed out).
   * Pulls ask for `repository:<name>:pull`; pushes pass their own scopes. Only GET and HEAD follow redirects.
   */
  async send(repository: string, target: string | URL, options: SendOptions, what: string): Promise<HttpResponse> {
    const { signal } = options;
    const method = options.method ?? 'GET';
    const base = await this.baseUrl(signal);
    const scope = (options.scopes ?? [`repository:${repository}:pull`]).join(' ');
    const access = scope.includes(',push') ? 'push' : 'pull';
    let url = typeof target === 'string' ? new URL(`/v2/${repository}/${target}`, base) : target;
    let answered = false;
    let redirects = 0;
    let attempt = 0;
    for (;;) {
      const sameHost = url.host === base.host;
      const authorization = sameHost ? this.auth.header(scope) : undefined;
      let res: HttpResponse;
      try {
        res = await this.http.request({
          method,
          url,
          headers: { ...(options.headers ?? {}), ...(authorization ? { authorization } : {}) },
          ...(options.body !== undefined ? { body: options.body } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        if (!isGroutError(err) || err.code !== 'E_NETWORK' || attempt + 1 >= this.retry.attempts || signal?.aborted) throw err;
        await sleep(retryDelay(attempt++, undefined, this.retry), signal);
        continue;
      }
      if (res.status === 401 && sameHost && !answered) {
        answered = true;
        await this.auth.answer(res, scope, signal);
        continue;
      }
      if (RETRYABLE_STATUS.has(res.status) && attempt + 1 < this.retry.attempts) {
        const wait = retryDelay(attempt++, parseRetryAfter(headerValue(res.headers['retry-after'])), this.retry);
        discardBody(res);
        await sleep(wait, signal);
        continue;
      }
      if ((method === 'GET' || method === 'HEAD') && res.status >= 300 && res.status < 400 && res.headers.location) {
        discardBody(res);
        if (++redirects > MAX_REDIRECTS) throw new GroutError('E_NETWORK', `${what}: more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(res.headers.location, url);
        if (next.protocol === 'http:' && url.protocol === 'https:' && !this.plainHttpAllowed(next)) {
          throw new GroutError('E_NETWORK', `${what}: refusing a redirect from https to plain http (${redactUrl(next)})`);
        }
        url = next;
        continue;
      }
      if ((res.status === 401 || res.status === 403) && sameHost) {
        discardBody(res);
        throw this.auth.refused(res.status, what, access);
      }
      return res;
    }
  }

  /**
   * Where the API lives. Docker Hub has its own API host; others are https — except loopback hosts and
   * `--insecure`, which fall back to plain http when the server does not speak TLS (as docker does).
   */
  private baseUrl(signal?: AbortSignal): Promise<URL> {
    this.base ??= this.findBase(signal);
    return this.base;
  }

  private async findBase(signal?: AbortSignal): Promise<URL> {
    if (this.domain === DOCKER_HUB) return new URL(`https://${DOCKER_HUB_API}/`);
    const https = new URL(`https://${this.domain}/`);
    if (!this.plainHttpAllowed(https)) return https;
    try {
      const res = await this.http.request({ method: 'GET', url: new URL('/v2/', https), ...(signal ? { signal } : {}) });
      discardBody(res);
      return https;
    } catch (err) {
      if (signal?.aborted) throw err;
      if (!speaksNoTls(err)) throw err;
      return new URL(`http://${this.domain}/`);
    }
  }

  private plainHttpAllowed(url: URL): boolean {
    return this.options.insecure === true || isLoopback(url.hostname);
  }

  /** Turn a final non-success answer into the error it means. */
  async failure(res: HttpResponse, what: string, kind: 'manifest' | 'blob'): Promise<GroutError> {
    const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
    const errors = registryErrors(body);
    const codes = new Set(errors.map((e) => e.code));
    const detail = errors.length ? `: ${redactText(errors.map((e) => `${e.code}${e.message ? ` (${e.message})` : ''}`).join('; ').slice(0, 300))}` : '';
    if (res.status === 404 || codes.has('MANIFEST_UNKNOWN') || codes.has('NAME_UNKNOWN') || codes.has('BLOB_UNKNOWN')) {
      if (codes.has('NAME_UNKNOWN')) {
        return new GroutError('E_IMAGE_NOT_FOUND', `${what}: the repository does not exist on ${this.domain}`, { hint: 'check the repository name' });
      }
      if (kind === 'manifest') {
        return new GroutError('E_IMAGE_NOT_FOUND', `${what}: no such tag or digest (manifest unknown)`, { hint: 'check the tag; list tags with skopeo list-tags docker://…' });
      }
      return new GroutError('E_IMAGE_NOT_FOUND', `${what}: the registry does not have this blob${detail}`);
    }
    return new GroutError('E_NETWORK', `${what}: the registry answered HTTP ${res.status}${detail}`);
  }
}

/** How one API call is made: method, headers, body, and the token scopes it needs. */
export interface SendOptions {
  method?: HttpRequest['method'];
  headers?: Record<string, string>;
  body?: HttpRequest['body'];
  /** Token scopes; default `repository:<name>:pull`. */
  scopes?: readonly string[];
  signal?: AbortSignal;
}

interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** The `{"errors":[{"code","message"}]}` body of the distribution spec, read defensively. */
export function registryErrors(body: Buffer): RegistryErrorEntry[] {
  try {
    const json = JSON.parse(body.toString('utf8')) as unknown;
    const list = (json as { errors?: unknown }).errors;
    if (!Array.isArray(list)) return [];
    return list.slice(0, 10).flatMap((e: unknown) => {
      if (typeof e !== 'object' || e === null) return [];
      const code = (e as Record<string, unknown>)['code'];
      const message = (e as Record<string, unknown>)['message'];
      return typeof code === 'string' ? [{ code: code.slice(0, 64), message: typeof message === 'string' ? message.slice(0, 200) : '' }] : [];
    });
  } catch {
    return [];
  }
}

/** Node's errors for "this port answered, but not with TLS". */
function speaksNoTls(err: unknown): boolean {
  const cause = isGroutError(err) ? err.cause : err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = cause instanceof Error ? cause.message : '';
  return code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ECONNRESET' || /wrong version number|packet length too long|http request/i.test(message);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./i.test(host);
  return false;
}

/** The body as chunks, with errors (a cut connection) reported as E_NETWORK that names no credential. */
async function* guardBody(res: HttpResponse): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (isGroutError(err) || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw networkError(res.url, err);
  } finally {
    if (!res.body.complete) res.body.destroy();
  }
}
