/**
 * A real HTTP server on 127.0.0.1 for download tests: serves files under a root directory with ETag and
 * Last-Modified (answering conditional requests with 304), and can be told to misbehave per path.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface Misbehaviour {
  /** Answer with this status (and no body) instead of the file. */
  status?: number;
  /** Only for the first N requests of this path; afterwards serve normally. */
  times?: number;
  retryAfter?: string;
  /** Send this many bytes of the file, then stall forever (the socket stays open). */
  stallAfterBytes?: number;
  /** Send this many bytes, claim the full Content-Length, then close the connection. */
  truncateAt?: number;
  /** Serve this body instead of the file (a "bad body"), with normal validators. */
  body?: Buffer | string;
  /** Redirect (302) to this path or URL. */
  redirectTo?: string;
}

export interface FeedServer {
  readonly origin: string;
  url(path: string): string;
  misbehave(path: string, how: Misbehaviour | undefined): void;
  readonly requests: { path: string; headers: IncomingHttpHeaders; status: number }[];
  close(): Promise<void>;
}

export async function startFeedServer(root: string): Promise<FeedServer> {
  const rules = new Map<string, Misbehaviour & { served: number }>();
  const requests: FeedServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const log = (status: number) => requests.push({ path, headers: req.headers, status });
    const rule = rules.get(path);
    const active = rule !== undefined && (rule.times === undefined || rule.served < rule.times);
    if (rule !== undefined) rule.served++;
    if (active && rule.redirectTo !== undefined) {
      log(302);
      res.writeHead(302, { location: rule.redirectTo }).end();
      return;
    }
    if (active && rule.status !== undefined) {
      log(rule.status);
      res.writeHead(rule.status, rule.retryAfter === undefined ? {} : { 'retry-after': rule.retryAfter }).end();
      return;
    }
    const file = join(root, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    let body: Buffer;
    let mtime: Date;
    try {
      body = active && rule.body !== undefined ? Buffer.from(rule.body) : readFileSync(file);
      mtime = statSync(file).mtime;
    } catch {
      log(404);
      res.writeHead(404).end();
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    const lastModified = mtime.toUTCString();
    if (req.headers['if-none-match'] === etag) {
      log(304);
      res.writeHead(304, { etag, 'last-modified': lastModified }).end();
      return;
    }
    log(200);
    res.writeHead(200, { etag, 'last-modified': lastModified, 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
    if (active && rule.stallAfterBytes !== undefined) {
      res.write(body.subarray(0, rule.stallAfterBytes));
      return; // never ends
    }
    if (active && rule.truncateAt !== undefined) {
      res.write(body.subarray(0, rule.truncateAt), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => `${origin}${path.startsWith('/') ? '' : '/'}${path}`,
    misbehave(path, how) {
      if (how === undefined) rules.delete(path);
      else rules.set(path, { ...how, served: 0 });
    },
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bind one, note it, close it. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
