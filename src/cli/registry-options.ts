import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { GroutError } from '../core/errors.js';
import type { ProgressListener } from '../core/events.js';
import type { RegistrySourceOptions } from '../image/index.js';

/** The registry flags shared by sbom, scan and inspect, as commander parses them. */
export interface RegistryCliOptions {
  username?: string;
  passwordStdin?: boolean;
  caCert?: string;
  insecure?: boolean;
}

/** Add `--username`, `--password-stdin`, `--ca-cert`, `--insecure` to a command. */
export function addRegistryOptions(command: Command): Command {
  return command
    .option('--username <name>', 'registry user name (password from --password-stdin or GROUT_REGISTRY_PASSWORD)')
    .option('--password-stdin', 'read the registry password (or token) from stdin')
    .option('--ca-cert <file>', 'PEM file of CA certificates to trust for the registry')
    .option('--insecure', 'allow plain http and unverified TLS for the registry (never for production registries)');
}

const MAX_PASSWORD_BYTES = 64 * 1024;

/**
 * Turn parsed flags into registry source options. Without flags, credentials still come from the environment
 * and docker's config when a registry asks for them.
 */
export async function registryOptionsFromCli(
  opts: RegistryCliOptions,
  io: { stdin?: Readable; env?: NodeJS.ProcessEnv; onProgress?: ProgressListener } = {},
): Promise<RegistrySourceOptions> {
  const env = io.env ?? process.env;
  const out: RegistrySourceOptions = {};
  if (opts.passwordStdin && opts.username === undefined) {
    throw new GroutError('E_USAGE', '--password-stdin needs --username', { hint: 'echo "$TOKEN" | grout sbom --username me --password-stdin REF' });
  }
  if (opts.username !== undefined) {
    if (opts.username === '') throw new GroutError('E_USAGE', '--username is empty');
    let password: string | undefined;
    if (opts.passwordStdin) password = await readPassword(io.stdin ?? process.stdin);
    else password = env['GROUT_REGISTRY_PASSWORD'];
    if (password === undefined) {
      throw new GroutError('E_USAGE', '--username needs a password', { hint: 'pipe it to --password-stdin, or set GROUT_REGISTRY_PASSWORD' });
    }
    out.username = opts.username;
    out.password = password;
  }
  if (opts.caCert !== undefined) out.caCert = await readCaCert(opts.caCert);
  if (opts.insecure) out.insecure = true;
  if (io.onProgress) out.onProgress = io.onProgress;
  if (io.env) out.env = io.env;
  return out;
}

async function readPassword(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > MAX_PASSWORD_BYTES) throw new GroutError('E_USAGE', '--password-stdin: more than 64 KiB on stdin');
    chunks.push(buf);
  }
  // `echo pw |` adds a newline that is not part of the password.
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password === '') throw new GroutError('E_USAGE', '--password-stdin: nothing was read from stdin');
  return password;
}

async function readCaCert(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new GroutError('E_USAGE', `--ca-cert ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { file });
  }
  if (!bytes.includes('-----BEGIN CERTIFICATE-----')) {
    throw new GroutError('E_USAGE', `--ca-cert ${file}: not a PEM certificate file`, { file, hint: 'convert DER with: openssl x509 -inform der -in ca.der -out ca.pem' });
  }
  return bytes;
}
