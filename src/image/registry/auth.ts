import { GroutError, isGroutError } from '../../core/errors.js';
import { parseAuthChallenges, type AuthChallenge } from './challenge.js';
import type { RegistryCredentials } from './credentials.js';
import { discardBody, readBody, type HttpClient, type HttpResponse } from './http.js';
import { redactText, redactUrl } from './redact.js';

/**
 * Answers a registry's 401 challenge the way docker does (distribution's token auth spec,
 * https://distribution.github.io/distribution/spec/auth/token/): `Basic` gets the credentials; `Bearer` sends us
 * to the realm for a token — GET with Basic credentials (or none, for anonymous pulls), or the OAuth2 POST with a
 * refresh token when the credentials are an identity token. Tokens are kept per scope until they expire.
 */
export class RegistryAuth {
  private readonly tokens = new Map<string, { header: string; expiresAt: number }>();
  private basic: string | undefined;
  private credentials: RegistryCredentials | undefined | null = null;

  constructor(
    private readonly http: HttpClient,
    /** `host[:port]`, for messages. */
    private readonly domain: string,
    private readonly loadCredentials: () => Promise<RegistryCredentials | undefined>,
    /** May credentials go over plain http to this realm? Only for loopback or `--insecure`. */
    private readonly allowPlainHttp: (url: URL) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Authorization header to send for a scope, when we already know one. */
  header(scope: string): string | undefined {
    const token = this.tokens.get(scope);
    if (token && token.expiresAt > this.now()) return token.header;
    return this.basic;
  }

  /**
   * Work out the Authorization header a 401 asks for. Throws E_REGISTRY_AUTH when there is nothing to answer
   * with, or the token server refuses.
   */
  async answer(response: HttpResponse, scope: string, signal?: AbortSignal): Promise<string> {
    const challenges = parseAuthChallenges(headerValue(response.headers['www-authenticate']));
    discardBody(response);
    const credentials = await this.creds();
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) return this.bearer(bearer, scope, credentials, signal);
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (credentials?.username === undefined || credentials.password === undefined) throw this.needsLogin(credentials);
      this.basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return this.basic;
    }
    throw new GroutError('E_REGISTRY_AUTH', `${this.domain} asks for authentication grout does not speak (${challenges.map((c) => c.scheme).join(', ') || 'no WWW-Authenticate header'})`);
  }

  /** The error for a request still refused after authenticating; `access` says what was asked (pull, or push). */
  refused(status: number, what: string, access: 'pull' | 'push' = 'pull'): GroutError {
    const credentials = this.credentials ?? undefined;
    if (credentials) {
      const message = access === 'push' ? `${this.domain} refused to let ${who(credentials)} push to ${what} (HTTP ${status})` : `${this.domain} refused access to ${what} for ${who(credentials)} (HTTP ${status})`;
      return new GroutError('E_REGISTRY_AUTH', message, {
        hint: access === 'push' ? 'this account (or its token) may pull but not push this repository: ask for push access, or choose another --out' : 'check the user name and password, and that this account may pull this repository',
      });
    }
    return new GroutError('E_REGISTRY_AUTH', `${this.domain} refused anonymous ${access === 'push' ? 'push to' : 'access to'} ${what} (HTTP ${status}): access denied, or the repository does not exist`, {
      hint: 'log in: --username NAME --password-stdin, GROUT_REGISTRY_USERNAME/GROUT_REGISTRY_PASSWORD, or docker login',
    });
  }

  private async creds(): Promise<RegistryCredentials | undefined> {
    if (this.credentials === null) this.credentials = await this.loadCredentials();
    return this.credentials;
  }

  private needsLogin(credentials: RegistryCredentials | undefined): GroutError {
    if (credentials) return new GroutError('E_REGISTRY_AUTH', `${this.domain} wants a user name and password; ${credentials.origin} gave a token only`);
    return new GroutError('E_REGISTRY_AUTH', `${this.domain} requires authentication and no credentials were given`, {
      hint: 'log in: --username NAME --password-stdin, GROUT_REGISTRY_USERNAME/GROUT_REGISTRY_PASSWORD, or docker login',
    });
  }

  private async bearer(challenge: AuthChallenge, scope: string, credentials: RegistryCredentials | undefined, signal?: AbortSignal): Promise<string> {
    if (credentials?.registryToken) return this.remember(scope, `Bearer ${credentials.registryToken}`, 300);
    const realmText = challenge.params['realm'];
    let realm: URL;
    try {
      realm = new URL(realmText ?? '');
    } catch {
      throw new GroutError('E_REGISTRY_AUTH', `${this.domain} sent a Bearer challenge without a usable realm`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new GroutError('E_REGISTRY_AUTH', `${this.domain}: token realm ${redactUrl(realm)} is not http(s)`);
    const plainRefused = realm.protocol === 'http:' && !this.allowPlainHttp(realm);
    // Ask for what the registry says it needs and for our own scopes too (space-separated; a push asks for
    // `repository:<name>:pull,push` and, for a cross-repository mount, `repository:<from>:pull`), so one token
    // serves every request of the operation.
    const scopes = [...new Set([challenge.params['scope'] ?? '', scope].flatMap((s) => s.split(' ')).filter(Boolean))];
    const service = challenge.params['service'];
    const sendSecrets = credentials !== undefined && !plainRefused;
    if (credentials && plainRefused) {
      throw new GroutError('E_REGISTRY_AUTH', `${this.domain}: refusing to send credentials to ${redactUrl(realm)} over plain http`, {
        hint: 'use an https token realm, or --insecure if this is a test registry',
      });
    }
    let answer: Record<string, unknown>;
    if (sendSecrets && credentials.identityToken) {
      answer = await this.postToken(realm, service, scopes, credentials, signal);
    } else {
      answer = await this.getToken(realm, service, scopes, sendSecrets ? credentials : undefined, signal);
    }
    const token = typeof answer['token'] === 'string' && answer['token'] ? answer['token'] : answer['access_token'];
    if (typeof token !== 'string' || token === '') throw new GroutError('E_REGISTRY_AUTH', `the token server ${redactUrl(realm)} answered without a token`);
    const expiresIn = typeof answer['expires_in'] === 'number' && answer['expires_in'] > 0 ? answer['expires_in'] : 60;
    return this.remember(scope, `Bearer ${token}`, expiresIn);
  }

  private remember(scope: string, header: string, expiresInSeconds: number): string {
    // Renew a little early so a long download does not start with a token about to lapse.
    this.tokens.set(scope, { header, expiresAt: this.now() + Math.max(1, expiresInSeconds - 10) * 1000 });
    return header;
  }

  private async getToken(realm: URL, service: string | undefined, scopes: string[], credentials: RegistryCredentials | undefined, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials?.username !== undefined && credentials.password !== undefined) {
      url.searchParams.set('account', credentials.username);
      headers['authorization'] = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const res = await this.http.request({ method: 'GET', url, headers, ...(signal ? { signal } : {}) });
    return this.tokenAnswer(res, realm, credentials);
  }

  private async postToken(realm: URL, service: string | undefined, scopes: string[], credentials: RegistryCredentials, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken!, client_id: 'grout', access_type: 'offline' });
    if (service) form.set('service', service);
    if (scopes.length) form.set('scope', scopes.join(' '));
    const res = await this.http.request({
      method: 'POST',
      url: realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      ...(signal ? { signal } : {}),
    });
    return this.tokenAnswer(res, realm, credentials);
  }

  private async tokenAnswer(res: HttpResponse, realm: URL, credentials: RegistryCredentials | undefined): Promise<Record<string, unknown>> {
    let body: Buffer;
    try {
      body = await readBody(res, 1024 * 1024);
    } catch (err) {
      if (isGroutError(err) && err.code === 'E_TOO_LARGE') throw new GroutError('E_REGISTRY_AUTH', `the token server ${redactUrl(realm)} sent an oversized answer`);
      throw err;
    }
    if (res.status === 401 || res.status === 403) {
      if (credentials) {
        throw new GroutError('E_REGISTRY_AUTH', `${this.domain}: the token server refused the credentials of ${who(credentials)} (HTTP ${res.status})`, {
          hint: 'check the user name and password (a wrong password gives this)',
        });
      }
      throw this.needsLogin(undefined);
    }
    if (res.status !== 200) {
      const secrets = credentials ? [credentials.password, credentials.identityToken].filter((s): s is string => s !== undefined) : [];
      throw new GroutError('E_REGISTRY_AUTH', `the token server ${redactUrl(realm)} answered HTTP ${res.status}: ${redactText(body.toString('utf8').slice(0, 200), secrets)}`);
    }
    try {
      const json = JSON.parse(body.toString('utf8')) as unknown;
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new GroutError('E_REGISTRY_AUTH', `the token server ${redactUrl(realm)} did not answer JSON`);
  }
}

function who(credentials: RegistryCredentials): string {
  return credentials.username ? `user ${JSON.stringify(credentials.username)} (from ${credentials.origin})` : `the token from ${credentials.origin}`;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
