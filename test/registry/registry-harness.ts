import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real registry for tests: Debian's `docker-registry` (the CNCF distribution server), started on 127.0.0.1 with a
 * config of our own and storage in a temp dir — never its packaged service. Three modes:
 * - `plain`: http, anonymous;
 * - `basic-tls`: htpasswd (bcrypt) basic auth behind a self-signed certificate;
 * - `token`: Bearer token auth against a small token server run here, issuing JWTs signed with a test key the
 *   registry trusts through `auth.token.rootcertbundle`.
 * Images are pushed with skopeo.
 */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const USER = 'grout';
export const PASSWORD = 'Sup3r-S3cret-pw';
/** A user the token server gives pull access only (token mode): for "may pull, may not push". */
export const READER = 'reader';
export const READER_PASSWORD = 'Read-0nly-pw';
/** An OAuth2 refresh token the token server accepts (as `identitytoken` in a docker config). */
export const REFRESH_TOKEN = 'refresh-7f3a9c0e5b';

export type RegistryMode = 'plain' | 'basic-tls' | 'token';

export interface TestRegistry {
  mode: RegistryMode;
  /** `127.0.0.1:<port>`. */
  host: string;
  /** The registry's storage root (`docker/registry/v2/…` below it). */
  storage: string;
  /** The TLS certificate to trust (basic-tls). */
  caCert?: string;
  /** The token server (token mode): how many token requests it answered, by flow. */
  tokenRequests?: { get: number; post: number };
  /** The token server (token mode): every scope asked for, with the user who asked (`reader repository:a:pull`). */
  tokenScopes?: string[];
  /**
   * Push an image from an OCI layout reference (`oci:DIR:tag`) to `repo:tag` with skopeo. Asynchronous: the token
   * server answers skopeo from this very process.
   */
  push(source: string, destination: string, extra?: string[]): Promise<void>;
  /** The data file of a blob in the registry's storage. */
  blobDataPath(digest: string): string;
  stop(): Promise<void>;
}

export function registryAvailable(): boolean {
  return existsSync(REGISTRY_BINARY) && hasProgram('skopeo') && hasProgram('openssl') && hasProgram('htpasswd');
}

function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A self-signed certificate (also its own CA) for 127.0.0.1. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=grout-test-${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

export interface RegistryOptions {
  /** `http.relativeurls`: answer upload `Location`s as paths rather than absolute URLs. */
  relativeUrls?: boolean;
}

export async function startRegistry(mode: RegistryMode, options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), `grout-registry-${mode}-`));
  const storage = join(dir, 'storage');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    ...(options.relativeUrls ? ['  relativeurls: true'] : []),
  ];
  let caCert: string | undefined;
  let token: TokenServer | undefined;
  if (mode === 'basic-tls') {
    const tls = selfSigned(dir, 'registry');
    caCert = tls.cert;
    const htpasswd = join(dir, 'htpasswd');
    writeFileSync(htpasswd, execFileSync('htpasswd', ['-Bbn', USER, PASSWORD]));
    lines.push('  tls:', `    certificate: ${tls.cert}`, `    key: ${tls.key}`, 'auth:', '  htpasswd:', '    realm: grout-test', `    path: ${htpasswd}`);
  } else if (mode === 'token') {
    const signing = selfSigned(dir, 'token-signer');
    token = await startTokenServer(signing);
    lines.push('auth:', '  token:', `    realm: ${token.realm}`, `    service: ${TOKEN_SERVICE}`, `    issuer: ${TOKEN_ISSUER}`, `    rootcertbundle: ${signing.cert}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  await waitUntilUp(child, host, mode === 'basic-tls', () => stderr);
  const scheme = mode === 'basic-tls' ? 'https' : 'http';

  return {
    mode,
    host,
    storage,
    ...(caCert ? { caCert } : {}),
    ...(token ? { tokenRequests: token.requests, tokenScopes: token.scopes } : {}),
    push(source, destination, extra = []) {
      const creds = mode === 'plain' ? [] : ['--dest-creds', `${USER}:${PASSWORD}`];
      const args = ['copy', '--quiet', '--dest-tls-verify=false', ...creds, ...extra, source, `docker://${host}/${destination}`];
      return new Promise((resolve, reject) => {
        execFile('skopeo', args, { maxBuffer: 1 << 26, timeout: 300_000 }, (err, _stdout, stderr) => {
          if (err) reject(new Error(`skopeo copy ${source} → ${destination} failed: ${stderr}`));
          else resolve();
        });
      });
    },
    blobDataPath(digest) {
      const hex = digest.slice('sha256:'.length);
      return join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    async stop() {
      await stopChild(child);
      await token?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    // Keep the scheme visible for debugging failed tests.
    toString: () => `${scheme}://${host} (${mode})`,
  } as TestRegistry;
}

async function waitUntilUp(child: ChildProcess, host: string, tls: boolean, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const mod = tls ? import('node:https') : import('node:http');
      void mod.then(({ request: req }) => {
        const r = req(`${tls ? 'https' : 'http'}://${host}/v2/`, { rejectUnauthorized: false } as object, (res) => {
          res.resume();
          resolve(res.statusCode === 200 || res.statusCode === 401);
        });
        r.on('error', () => resolve(false));
        r.end();
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry did not come up on ${host}: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---- token server -------------------------------------------------------------------------------------------

export const TOKEN_SERVICE = 'grout-test-registry';
const TOKEN_ISSUER = 'grout-test-issuer';

interface TokenServer {
  realm: string;
  requests: { get: number; post: number };
  scopes: string[];
  stop(): Promise<void>;
}

/**
 * Issues registry tokens (distribution's token auth spec): GET with Basic credentials (or none: anonymous gets a
 * token with no access), and the OAuth2 POST with `grant_type=password` or `refresh_token`. Anyone who
 * authenticates gets every action asked for.
 */
async function startTokenServer(signing: { cert: string; key: string }): Promise<TokenServer> {
  const key = createPrivateKey(readFileSync(signing.key));
  const der = new X509Certificate(readFileSync(signing.cert)).raw.toString('base64');
  const requests = { get: 0, post: 0 };
  const asked: string[] = [];
  const issue = (res: ServerResponse, user: string | undefined, scopes: string[]): void => {
    const now = Math.floor(Date.now() / 1000);
    for (const s of scopes) asked.push(`${user ?? 'anonymous'} ${s}`);
    const access = user
      ? scopes.flatMap((s) => {
          const [type, name, actions] = [s.split(':')[0], s.split(':').slice(1, -1).join(':'), s.split(':').at(-1)];
          const granted = actions?.split(',').filter((a) => user !== READER || a === 'pull') ?? [];
          return type && name && granted.length ? [{ type, name, actions: granted }] : [];
        })
      : [];
    const header = { typ: 'JWT', alg: 'RS256', x5c: [der] };
    const claims = { iss: TOKEN_ISSUER, sub: user ?? '', aud: TOKEN_SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64(header)}.${b64(claims)}`;
    const signature = sign('sha256', Buffer.from(input), key).toString('base64url');
    const token = `${input}.${signature}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  };
  const deny = (res: ServerResponse): void => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token') return void res.writeHead(404).end();
    if (req.method === 'GET') {
      requests.get++;
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' '));
      const auth = req.headers.authorization;
      if (!auth) return issue(res, undefined, scopes);
      const [user, pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
      return (user === USER && pass === PASSWORD) || (user === READER && pass === READER_PASSWORD) ? issue(res, user, scopes) : deny(res);
    }
    if (req.method === 'POST') {
      requests.post++;
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        const grant = form.get('grant_type');
        if (grant === 'refresh_token' && form.get('refresh_token') === REFRESH_TOKEN) return issue(res, USER, scopes);
        if (grant === 'password' && form.get('username') === USER && form.get('password') === PASSWORD) return issue(res, USER, scopes);
        deny(res);
      });
      return;
    }
    res.writeHead(405).end();
  });
  const port = await listen(server);
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    scopes: asked,
    stop: () => close(server),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---- misbehaving proxy ----------------------------------------------------------------------------------------

export interface ProxyRules {
  /** Answer 429 (with Retry-After: 1) to the first N requests whose path matches. */
  tooManyRequests?: { path: RegExp; times: number };
  /** Answer 503 without Retry-After to the first N requests whose path matches. */
  unavailable?: { path: RegExp; times: number };
  /** For the first N full (non-Range) GETs whose path matches, send this many body bytes and then cut the connection. */
  cut?: { path: RegExp; times: number; afterBytes: number };
  /** Refuse every request of this method whose path matches with this status and a distribution error body. */
  refuse?: { method: string; path: RegExp; status: number; code: string };
  /** For GETs whose path matches, send this many body bytes, then the rest only once `until` settles. */
  hold?: { path: RegExp; afterBytes: number; until: Promise<unknown> };
}

export interface TestProxy {
  host: string;
  /** Every request seen: method, path and Range header. */
  log: { method: string; path: string; range?: string; status: number }[];
  stop(): Promise<void>;
}

/** A plain-http proxy in front of a plain registry that misbehaves on purpose. */
/** Pass the first `afterBytes` of a body through at once and the rest when `until` settles. */
function holdBody(up: IncomingMessage, res: ServerResponse, hold: NonNullable<ProxyRules['hold']>): void {
  let sent = 0;
  const rest: Buffer[] = [];
  let released = false;
  let ended = false;
  const finish = (): void => {
    for (const chunk of rest.splice(0)) res.write(chunk);
    if (ended) res.end();
  };
  void hold.until.finally(() => {
    released = true;
    finish();
  });
  up.on('data', (chunk: Buffer) => {
    if (released) return void res.write(chunk);
    const now = chunk.subarray(0, Math.max(0, hold.afterBytes - sent));
    if (now.length > 0) res.write(now);
    sent += now.length;
    if (now.length < chunk.length) rest.push(chunk.subarray(now.length));
  });
  up.on('end', () => {
    ended = true;
    if (released) finish();
  });
}

export async function startProxy(upstream: string, rules: ProxyRules): Promise<TestProxy> {
  const log: TestProxy['log'] = [];
  const counts = { tooMany: 0, unavailable: 0, cut: 0 };
  let host = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const entry = { method: req.method ?? 'GET', path, ...(req.headers.range ? { range: req.headers.range } : {}), status: 0 };
    log.push(entry);
    if (rules.tooManyRequests && rules.tooManyRequests.path.test(path) && counts.tooMany < rules.tooManyRequests.times) {
      counts.tooMany++;
      entry.status = 429;
      return void res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
    }
    if (rules.refuse && req.method === rules.refuse.method && rules.refuse.path.test(path)) {
      entry.status = rules.refuse.status;
      req.resume();
      return void res.writeHead(rules.refuse.status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: rules.refuse.code, message: 'refused by the test proxy' }] }));
    }
    if (rules.unavailable && rules.unavailable.path.test(path) && counts.unavailable < rules.unavailable.times) {
      counts.unavailable++;
      entry.status = 503;
      return void res.writeHead(503).end();
    }
    const cut = rules.cut && rules.cut.path.test(path) && !req.headers.range && req.method === 'GET' && counts.cut < rules.cut.times ? rules.cut : undefined;
    if (cut) counts.cut++;
    const upstreamReq = request(`http://${upstream}${path}`, { method: req.method, headers: { ...req.headers, host: upstream } }, (up) => {
      entry.status = up.statusCode ?? 0;
      // Absolute Locations (upload URLs) name the upstream: point them back at the proxy, as a real proxy would.
      const location = up.headers.location;
      const headers = location?.startsWith(`http://${upstream}/`) ? { ...up.headers, location: `http://${host}${location.slice(`http://${upstream}`.length)}` } : up.headers;
      res.writeHead(up.statusCode ?? 502, headers);
      const hold = rules.hold && rules.hold.path.test(path) && req.method === 'GET' ? rules.hold : undefined;
      if (hold) return void holdBody(up, res, hold);
      if (!cut) return void up.pipe(res);
      let sent = 0;
      up.on('data', (chunk: Buffer) => {
        if (sent >= cut.afterBytes) return;
        const part = chunk.subarray(0, cut.afterBytes - sent);
        sent += part.length;
        res.write(part);
        if (sent >= cut.afterBytes) {
          up.destroy();
          // Give the bytes a moment to leave, then drop the connection mid-body.
          setTimeout(() => res.socket?.destroy(), 20);
        }
      });
    });
    upstreamReq.on('error', () => res.destroy());
    req.pipe(upstreamReq);
  });
  const port = await listen(server);
  host = `127.0.0.1:${port}`;
  return { host, log, stop: () => close(server) };
}
