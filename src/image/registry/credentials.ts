import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GroutError } from '../../core/errors.js';
import { DOCKER_HUB } from './docker-reference.js';
import { redactText } from './redact.js';

/** What grout may present to a registry. Never put into a message. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken` in docker's config, or a helper answering Username `<token>`). */
  identityToken?: string;
  /** A bearer token to send as is (`registrytoken` in docker's config). */
  registryToken?: string;
  /** Where they came from, for messages: `--username`, `environment`, `docker config`, `docker-credential-x`. */
  origin: string;
}

export interface CredentialOptions {
  /** `--username` (with the password from `--password-stdin`). */
  username?: string;
  password?: string;
  /** Default: the process environment (GROUT_REGISTRY_USERNAME / GROUT_REGISTRY_PASSWORD, DOCKER_CONFIG, PATH). */
  env?: NodeJS.ProcessEnv;
  /** A docker config.json to read instead of `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  dockerConfig?: string;
}

/** Docker keeps Docker Hub's credentials under its v1 index URL (the key `docker login` writes). */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_HELPER_OUTPUT = 64 * 1024;
const HELPER_TIMEOUT_MS = 30_000;

/**
 * Credentials for a registry host (`host[:port]`), in this order: the command line, the environment, then
 * docker's config — a credential helper (`credHelpers[host]`, else `credsStore`) and, when it has nothing, the
 * `auths` entry. Undefined means anonymous.
 */
export async function resolveCredentials(domain: string, options: CredentialOptions = {}): Promise<RegistryCredentials | undefined> {
  if (options.username !== undefined && options.password !== undefined) {
    return { username: options.username, password: options.password, origin: '--username' };
  }
  const env = options.env ?? process.env;
  const envUser = env['GROUT_REGISTRY_USERNAME'];
  const envPassword = env['GROUT_REGISTRY_PASSWORD'];
  if (envUser && envPassword !== undefined) return { username: envUser, password: envPassword, origin: 'GROUT_REGISTRY_USERNAME/PASSWORD' };
  return fromDockerConfig(domain, options.dockerConfig ?? dockerConfigPath(env), env);
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
  return join(dir, 'config.json');
}

interface DockerConfig {
  auths: Record<string, Record<string, unknown>>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

async function fromDockerConfig(domain: string, path: string, env: NodeJS.ProcessEnv): Promise<RegistryCredentials | undefined> {
  const config = await readDockerConfig(path);
  if (!config) return undefined;
  const isHub = HUB_ALIASES.has(domain);
  const helper = config.credHelpers[domain] ?? (isHub ? config.credHelpers[DOCKER_HUB_KEY] : undefined) ?? config.credsStore;
  if (helper) {
    const found = await runCredentialHelper(helper, isHub ? DOCKER_HUB_KEY : domain, env);
    if (found) return found;
  }
  const entry = findAuthEntry(config.auths, domain);
  return entry ? authEntryCredentials(entry, path) : undefined;
}

async function readDockerConfig(path: string): Promise<DockerConfig | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new GroutError('E_IO', `${path}: cannot read the docker config: ${(err as Error).message}`, { file: path });
  }
  if (bytes.length > MAX_CONFIG_BYTES) throw new GroutError('E_INPUT_FORMAT', `${path}: the docker config is larger than 4 MiB`, { file: path });
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    // The parser's message may quote the file, which holds secrets: say only where.
    throw new GroutError('E_INPUT_FORMAT', `${path}: the docker config is not valid JSON`, { file: path });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GroutError('E_INPUT_FORMAT', `${path}: the docker config is not a JSON object`, { file: path });
  }
  const o = json as Record<string, unknown>;
  const config: DockerConfig = { auths: {}, credHelpers: {} };
  if (typeof o['auths'] === 'object' && o['auths'] !== null) {
    for (const [key, value] of Object.entries(o['auths'] as Record<string, unknown>)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) config.auths[key] = value as Record<string, unknown>;
    }
  }
  if (typeof o['credHelpers'] === 'object' && o['credHelpers'] !== null) {
    for (const [key, value] of Object.entries(o['credHelpers'] as Record<string, unknown>)) if (typeof value === 'string' && value) config.credHelpers[key] = value;
  }
  if (typeof o['credsStore'] === 'string' && o['credsStore']) config.credsStore = o['credsStore'];
  return config;
}

/** `auths` keys are written many ways: `host:port`, `https://host:port`, `http://host/v2/`, Docker Hub's v1 URL. */
export function authKeyHost(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  return (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase();
}

function findAuthEntry(auths: Record<string, Record<string, unknown>>, domain: string): Record<string, unknown> | undefined {
  const wanted = domain.toLowerCase();
  const hub = HUB_ALIASES.has(wanted);
  if (auths[domain]) return auths[domain];
  for (const [key, entry] of Object.entries(auths)) {
    const host = authKeyHost(key);
    if (host === wanted || (hub && HUB_ALIASES.has(host))) return entry;
  }
  return undefined;
}

function authEntryCredentials(entry: Record<string, unknown>, path: string): RegistryCredentials | undefined {
  const origin = `docker config ${path}`;
  const out: RegistryCredentials = { origin };
  if (typeof entry['auth'] === 'string' && entry['auth']) {
    const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new GroutError('E_INPUT_FORMAT', `${path}: an "auth" entry is not base64 of user:password`, { file: path });
    out.username = decoded.slice(0, colon);
    out.password = decoded.slice(colon + 1);
  } else if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string') {
    out.username = entry['username'];
    out.password = entry['password'];
  }
  if (typeof entry['identitytoken'] === 'string' && entry['identitytoken']) out.identityToken = entry['identitytoken'];
  if (typeof entry['registrytoken'] === 'string' && entry['registrytoken']) out.registryToken = entry['registrytoken'];
  return out.username !== undefined || out.identityToken || out.registryToken ? out : undefined;
}

/**
 * Ask `docker-credential-<name> get` (the docker credential helper protocol: server URL on stdin, JSON
 * `{ServerURL, Username, Secret}` on stdout). A helper that has nothing, or is not installed, means anonymous.
 */
export async function runCredentialHelper(name: string, serverUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistryCredentials | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new GroutError('E_INPUT_FORMAT', `docker config: invalid credential helper name ${JSON.stringify(name)}`);
  const program = `docker-credential-${name}`;
  const { code, stdout, stderr, missing } = await runHelper(program, serverUrl, env);
  if (missing) return undefined;
  if (code !== 0) {
    if (/not found|no credentials/i.test(stdout + stderr)) return undefined;
    throw new GroutError('E_REGISTRY_AUTH', `${program} get failed for ${serverUrl} (exit ${code}): ${redactText((stdout || stderr).trim().slice(0, 200))}`, {
      hint: `check the credential helper, or log in again with docker login ${serverUrl}`,
    });
  }
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw new GroutError('E_REGISTRY_AUTH', `${program} get answered something that is not JSON`);
  }
  const o = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const username = typeof o['Username'] === 'string' ? o['Username'] : '';
  const secret = typeof o['Secret'] === 'string' ? o['Secret'] : '';
  if (!secret) return undefined;
  if (username === '<token>') return { identityToken: secret, origin: program };
  return { username, password: secret, origin: program };
}

function runHelper(program: string, input: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let size = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
    const take = (chunk: Buffer, into: 'out' | 'err'): void => {
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT) {
        child.kill('SIGKILL');
        return;
      }
      if (into === 'out') stdout += chunk.toString('utf8');
      else stderr += chunk.toString('utf8');
    };
    child.stdout.on('data', (c: Buffer) => take(c, 'out'));
    child.stderr.on('data', (c: Buffer) => take(c, 'err'));
    child.stdin.on('error', () => {});
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') resolve({ code: -1, stdout: '', stderr: '', missing: true });
      else reject(new GroutError('E_REGISTRY_AUTH', `${program}: cannot run: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, missing: false });
    });
    child.stdin.end(input);
  });
}
