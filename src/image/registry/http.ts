import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import { GroutError } from '../../core/errors.js';
import { redactUrl } from './redact.js';

/**
 * The one place grout's registry client touches the network: node:http/node:https (which let a custom CA and
 * keep-alive agents be set per client without any dependency), with a socket idle timeout and errors turned
 * into E_NETWORK naming the host but never a credential.
 */
export interface HttpOptions {
  /** PEM bundle trusted in addition to the system's, for `--ca-cert`. */
  ca?: string | Buffer;
  /** `--insecure`: accept any certificate. */
  rejectUnauthorized?: boolean;
  /** Socket idle timeout. Default 60 s. */
  timeoutMs?: number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** Bytes in memory, or a stream of exactly `length` bytes (a blob upload read from disk: bounded memory). */
  body?: string | Buffer | StreamBody;
  signal?: AbortSignal;
}

/** A request body streamed from disk; `open` is called once per attempt, so a retry sends it again. */
export interface StreamBody {
  length: number;
  open: () => Readable;
}

export interface HttpResponse {
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

export class HttpClient {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent: HttpsAgent;
  private readonly timeoutMs: number;

  constructor(options: HttpOptions = {}) {
    this.httpsAgent = new HttpsAgent({
      keepAlive: true,
      maxSockets: 8,
      ...(options.ca !== undefined ? { ca: withSystemCas(options.ca) } : {}),
      rejectUnauthorized: options.rejectUnauthorized ?? true,
    });
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Send a request; resolves once the response headers are in. The caller must consume or destroy the body. */
  request(req: HttpRequest): Promise<HttpResponse> {
    const { url } = req;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      return Promise.reject(new GroutError('E_NETWORK', `${redactUrl(url)}: unsupported protocol ${url.protocol}`));
    }
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<HttpResponse>((resolve, reject) => {
      const headers: Record<string, string> = { 'user-agent': 'grout', ...(req.headers ?? {}) };
      const body = req.body;
      const streamed = isStreamBody(body) ? body : undefined;
      const inMemory = isStreamBody(body) ? undefined : body;
      if (streamed !== undefined) headers['content-length'] = String(streamed.length);
      else if (inMemory !== undefined) headers['content-length'] = String(Buffer.byteLength(inMemory));
      else if (req.method === 'PUT' || req.method === 'PATCH' || req.method === 'POST') headers['content-length'] = '0';
      const outgoing = send(
        url,
        {
          method: req.method,
          headers,
          agent: secure ? this.httpsAgent : this.httpAgent,
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => {
          res.setTimeout(this.timeoutMs, () => res.destroy(networkError(url, new Error(`no data for ${this.timeoutMs / 1000} s`))));
          resolve({ url, status: res.statusCode ?? 0, headers: res.headers, body: res });
        },
      );
      outgoing.setTimeout(this.timeoutMs, () => outgoing.destroy(new Error(`no answer for ${this.timeoutMs / 1000} s`)));
      outgoing.on('error', (err) => reject(err instanceof GroutError || isAbort(err) ? err : networkError(url, err)));
      if (streamed === undefined) {
        outgoing.end(inMemory);
        return;
      }
      // A body stream that fails (the file went away) aborts the request; pipeline ends it otherwise.
      pipeline(streamed.open(), outgoing).catch((err: unknown) => {
        outgoing.destroy();
        reject(err instanceof GroutError || isAbort(err) ? err : networkError(url, err));
      });
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** A custom CA is added to, not instead of, the trusted roots (a registry behind a proxy still uses both). */
function withSystemCas(ca: string | Buffer): (string | Buffer)[] {
  return [...rootCertificates, ca];
}

function isStreamBody(body: HttpRequest['body']): body is StreamBody {
  return body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Read a whole (small) body, refusing more than `max` bytes. */
export async function readBody(res: HttpResponse, max: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.body.destroy();
    throw new GroutError('E_TOO_LARGE', `${redactUrl(res.url)}: the answer is ${declared} bytes, more than the ${max} allowed`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) {
        res.body.destroy();
        throw new GroutError('E_TOO_LARGE', `${redactUrl(res.url)}: the answer is more than the ${max} bytes allowed`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof GroutError || isAbort(err)) throw err;
    throw networkError(res.url, err);
  }
  return Buffer.concat(chunks);
}

/** Throw away a body we do not need, so its socket can be reused. */
export function discardBody(res: HttpResponse): void {
  res.body.resume();
  res.body.on('error', () => {});
}

export function networkError(url: URL, err: unknown): GroutError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = err instanceof Error ? err.message : String(err);
  const tls = typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code);
  return new GroutError('E_NETWORK', `${redactUrl(url)}: ${code && !reason.includes(code) ? `${code}: ` : ''}${reason}`, {
    cause: err,
    ...(tls ? { hint: 'pass the registry CA with --ca-cert FILE (or --insecure for a test registry)' } : {}),
  });
}
