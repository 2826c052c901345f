/**
 * A source's signed release file: `dists/<suite>/InRelease` (clearsigned), else `Release` + `Release.gpg`
 * (detached), verified against the source's keys before anything in it is believed. Field meanings:
 * https://wiki.debian.org/DebianRepository/Format#A.22Release.22_files
 */
import * as openpgp from 'openpgp';
import { GroutError } from '../../core/errors.js';
import { httpGet, redactUrl, type HttpGetOptions } from './http-get.js';
import type { PublicKey } from './keyring.js';
import type { AptSource } from './sources.js';

export interface ReleaseFileEntry {
  size: number;
  sha256: string;
}

export interface Release {
  source: AptSource;
  /** The URL the release file came from (InRelease or Release), credentials removed. */
  url: string;
  /** The directory index paths are relative to, ending in `/` (`…/dists/bookworm/`). */
  base: string;
  origin?: string;
  label?: string;
  suite?: string;
  codename?: string;
  version?: string;
  date?: Date;
  validUntil?: Date;
  architectures: string[];
  components: string[];
  /** Index files may be fetched as `…/by-hash/SHA256/<hash>` (immune to mirror updates mid-download). */
  acquireByHash: boolean;
  /**
   * Whether `binary-all/Packages` must be read too: the release lists `all` among its Architectures and does not
   * say `No-Support-for-Architecture-all: Packages` (with it, as in Debian's archive, the arch-specific indexes
   * already hold the `all` packages and binary-all is only a copy, which apt skips as well).
   */
  separateArchAll: boolean;
  /** Relative path (`main/binary-amd64/Packages.xz`) → size and sha256 from the SHA256 field. */
  files: Map<string, ReleaseFileEntry>;
  /** Fingerprints of the primary keys whose signatures verified; empty when the source is trusted=yes. */
  signers: string[];
}

export type ReleaseFields = Omit<Release, 'source' | 'url' | 'base' | 'signers'>;

export interface ReleaseFetchOptions extends HttpGetOptions {
  /** The clock, for Valid-Until and key validity. Default now. */
  now?: Date;
}

const MAX_RELEASE_BYTES = 16 * 1024 * 1024;
const MAX_FILE_ENTRIES = 200_000;
const SIGNATURE_HINT = 'the repository may be tampered with, or its key is not trusted: give the archive keyring with --keyring (or signed-by= in --repo)';

/** Where a source's release files and indexes live, ending in `/`. */
export function releaseBase(source: AptSource): string {
  return source.suite.endsWith('/') ? `${source.uri}/${source.suite.replace(/^\.\/$/, '')}` : `${source.uri}/dists/${source.suite}/`;
}

/**
 * Fetch and verify a source's release file. Errors name the URL: E_SIGNATURE for a missing, bad or unknown-key
 * signature, an expired Valid-Until or a release for another suite; E_NETWORK when neither InRelease nor Release
 * exists or the server is unreachable.
 * @example const release = await fetchRelease(source, await keyring.keysFor(source));
 */
export async function fetchRelease(source: AptSource, keys: readonly PublicKey[], options: ReleaseFetchOptions = {}): Promise<Release> {
  const now = options.now ?? new Date();
  const base = releaseBase(source);
  const get = { ...options, maxBytes: MAX_RELEASE_BYTES };
  const inReleaseUrl = `${base}InRelease`;
  const inRelease = await httpGet(inReleaseUrl, get);
  let url: string;
  let text: string;
  let signers: string[] = [];
  if (inRelease !== undefined) {
    url = redactUrl(inReleaseUrl);
    if (source.trusted) text = await clearsignedText(inRelease.toString('utf8'), url);
    else ({ text, signers } = await verifyClearsigned(inRelease.toString('utf8'), keys, url, now));
  } else {
    const releaseUrl = `${base}Release`;
    url = redactUrl(releaseUrl);
    const release = await httpGet(releaseUrl, get);
    if (release === undefined) throw new GroutError('E_NETWORK', `the repository has no ${redactUrl(inReleaseUrl)} and no Release file (from ${source.origin})`, { hint: 'check the suite name and the URL' });
    if (!source.trusted) {
      const signature = await httpGet(`${base}Release.gpg`, get);
      if (signature === undefined) throw new GroutError('E_SIGNATURE', `${url} is not signed: there is no InRelease and no Release.gpg`, { hint: SIGNATURE_HINT });
      signers = await verifyDetached(release, signature, keys, url, now);
    }
    text = release.toString('utf8');
  }
  const fields = parseRelease(text, url);
  checkRelease(source, fields, url, now);
  return { ...fields, source, url, base, signers };
}

/** Verify a clearsigned InRelease; returns only the signed text (never text outside the signed block). */
export async function verifyClearsigned(armored: string, keys: readonly PublicKey[], where: string, now: Date): Promise<{ text: string; signers: string[] }> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
  } catch (cause) {
    throw new GroutError('E_SIGNATURE', `${where} is not an OpenPGP clearsigned file: ${(cause as Error).message}`, { cause, hint: SIGNATURE_HINT });
  }
  let result: openpgp.VerifyMessageResult<string>;
  try {
    result = await openpgp.verify({ message, verificationKeys: [...keys], date: now });
  } catch (cause) {
    throw new GroutError('E_SIGNATURE', `cannot check the signature of ${where}: ${(cause as Error).message}`, { cause, hint: SIGNATURE_HINT });
  }
  const signers = await goodSigners(result.signatures, keys, where);
  return { text: result.data, signers };
}

/** Verify `Release` against `Release.gpg` (armored or binary detached signature). */
export async function verifyDetached(release: Buffer, signature: Buffer, keys: readonly PublicKey[], where: string, now: Date): Promise<string[]> {
  let parsed: openpgp.Signature;
  try {
    parsed = signature.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP SIGNATURE-----')
      ? await openpgp.readSignature({ armoredSignature: signature.toString('utf8') })
      : await openpgp.readSignature({ binarySignature: new Uint8Array(signature) });
  } catch (cause) {
    throw new GroutError('E_SIGNATURE', `${where}.gpg is not an OpenPGP signature: ${(cause as Error).message}`, { cause, hint: SIGNATURE_HINT });
  }
  let result: openpgp.VerifyMessageResult<Uint8Array>;
  try {
    const message = await openpgp.createMessage({ binary: new Uint8Array(release) });
    result = await openpgp.verify({ message, signature: parsed, verificationKeys: [...keys], date: now, format: 'binary' });
  } catch (cause) {
    throw new GroutError('E_SIGNATURE', `cannot check the signature of ${where}: ${(cause as Error).message}`, { cause, hint: SIGNATURE_HINT });
  }
  return goodSigners(result.signatures, keys, where);
}

/** At least one signature must verify with a known key; say which failure it was when none does. */
async function goodSigners(signatures: readonly { keyID: openpgp.KeyID; verified: Promise<true> }[], keys: readonly PublicKey[], where: string): Promise<string[]> {
  const good: string[] = [];
  const unknown: string[] = [];
  const bad: string[] = [];
  for (const s of signatures.slice(0, 64)) {
    const key = keys.find((k) => k.getKeys(s.keyID).length > 0);
    const id = s.keyID.toHex().toUpperCase();
    if (key === undefined) {
      s.verified.catch(() => {});
      unknown.push(id);
      continue;
    }
    try {
      await s.verified;
      good.push(key.getFingerprint().toUpperCase());
    } catch (cause) {
      bad.push(`${id} (${(cause as Error).message})`);
    }
  }
  if (good.length > 0) return [...new Set(good)].sort();
  if (bad.length > 0) throw new GroutError('E_SIGNATURE', `bad signature on ${where}: ${bad.join('; ')}`, { hint: SIGNATURE_HINT });
  if (unknown.length > 0) {
    throw new GroutError('E_SIGNATURE', `${where} is signed by unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (${keys.length} trusted key${keys.length === 1 ? '' : 's'})`, { hint: SIGNATURE_HINT });
  }
  throw new GroutError('E_SIGNATURE', `${where} carries no signature`, { hint: SIGNATURE_HINT });
}

/** The text of a clearsigned file without checking it (trusted=yes sources only). */
async function clearsignedText(armored: string, where: string): Promise<string> {
  if (!armored.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) return armored;
  try {
    return (await openpgp.readCleartextMessage({ cleartextMessage: armored })).getText();
  } catch (cause) {
    throw new GroutError('E_SIGNATURE', `${where} is not an OpenPGP clearsigned file: ${(cause as Error).message}`, { cause });
  }
}

function checkRelease(source: AptSource, fields: ReleaseFields, url: string, now: Date): void {
  if (source.checkValidUntil && fields.validUntil !== undefined && fields.validUntil.getTime() < now.getTime()) {
    throw new GroutError('E_SIGNATURE', `${url} expired at ${fields.validUntil.toISOString()} (Valid-Until); a mirror serving it is stale or replaying an old release`, { hint: 'use an up-to-date mirror; for a snapshot archive add check-valid-until=no to the source' });
  }
  if (!source.suite.endsWith('/')) {
    const wanted = source.suite;
    const names = [fields.suite, fields.codename].filter((n): n is string => n !== undefined);
    if (names.length > 0 && !names.includes(wanted) && !names.includes(wanted.split('/')[0] ?? wanted)) {
      throw new GroutError('E_SIGNATURE', `${url} is the release of ${names.join('/')}, not of ${wanted}`, { hint: 'the mirror serves another suite under this name; check the source' });
    }
  }
}

/**
 * Parse the fields of a release file (the signed text). The SHA256 list is required; other hash lists are ignored
 * (MD5Sum and SHA1 are too weak to trust).
 */
export function parseRelease(text: string, where: string): ReleaseFields {
  const fields = new Map<string, string>();
  let last: string | undefined;
  const lines = text.split('\n');
  if (lines.length > MAX_FILE_ENTRIES * 3) throw new GroutError('E_INPUT_FORMAT', `${where} has too many lines`, { file: where });
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      if (fields.size > 0) break; // one paragraph only
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last !== undefined) fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new GroutError('E_INPUT_FORMAT', `${where}: not a release file field: ${JSON.stringify(line.slice(0, 80))}`, { file: where });
    last = line.slice(0, colon).trim().toLowerCase();
    fields.set(last, line.slice(colon + 1).trim());
  }
  const sha256 = fields.get('sha256');
  if (sha256 === undefined) throw new GroutError('E_INPUT_FORMAT', `${where} has no SHA256 file list`, { file: where, hint: 'grout needs SHA256 hashes to check the indexes' });
  const files = new Map<string, ReleaseFileEntry>();
  for (const entry of sha256.split('\n')) {
    if (entry.trim() === '') continue;
    const m = /^([0-9a-fA-F]{64})\s+(\d{1,15})\s+(\S+)$/.exec(entry.trim());
    if (m === null || m[1] === undefined || m[2] === undefined || m[3] === undefined) {
      throw new GroutError('E_INPUT_FORMAT', `${where}: bad SHA256 line ${JSON.stringify(entry.slice(0, 120))}`, { file: where });
    }
    if (files.size >= MAX_FILE_ENTRIES) throw new GroutError('E_TOO_LARGE', `${where} lists more than ${MAX_FILE_ENTRIES} files`, { file: where });
    files.set(m[3], { size: Number(m[2]), sha256: m[1].toLowerCase() });
  }
  const date = (name: string): Date | undefined => {
    const value = fields.get(name);
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new GroutError('E_INPUT_FORMAT', `${where}: ${name === 'date' ? 'Date' : 'Valid-Until'} is not a date: ${JSON.stringify(value.slice(0, 80))}`, { file: where });
    return new Date(ms);
  };
  const list = (name: string): string[] => (fields.get(name) ?? '').split(/\s+/).filter((w) => w !== '');
  const optional = (name: string, key: string): Record<string, string> => {
    const value = fields.get(name);
    return value === undefined ? {} : { [key]: value };
  };
  const dated = date('date');
  const validUntil = date('valid-until');
  return {
    ...optional('origin', 'origin'),
    ...optional('label', 'label'),
    ...optional('suite', 'suite'),
    ...optional('codename', 'codename'),
    ...optional('version', 'version'),
    ...(dated === undefined ? {} : { date: dated }),
    ...(validUntil === undefined ? {} : { validUntil }),
    architectures: list('architectures'),
    components: list('components'),
    acquireByHash: (fields.get('acquire-by-hash') ?? '').toLowerCase() === 'yes',
    separateArchAll: list('architectures').includes('all') && !list('no-support-for-architecture-all').includes('Packages'),
    files,
  };
}
