/**
 * A component's `Packages` index: fetched as `Packages.gz` (else `.xz`, else plain) by the size and SHA256 the
 * verified release file gives — or taken from the on-disk cache when a file there hashes to that SHA256 — then
 * stream-parsed into the fields grout needs to choose and fetch packages. `.gz` comes first although `.xz` is
 * smaller: native zlib inflates it ~10× faster than the WebAssembly xz decoder, and CPU, not bandwidth, dominates.
 * Format: https://wiki.debian.org/DebianRepository/Format#A.22Packages.22_Indices
 */
import { createGunzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import xzPackage from 'xz-decompress';
import { GroutError } from '../../core/errors.js';
import { debScheme } from '../../version/index.js';
import { checkDigest, httpGet, longerThanSigned, redactUrl, type HttpGetOptions } from './http-get.js';
import { indexCacheDir, readCachedIndex, storeCachedIndex } from './index-cache.js';
import type { Release } from './release.js';

const { XzReadableStream } = xzPackage;

export type MultiArch = 'no' | 'same' | 'foreign' | 'allowed';

/** One binary package a repository offers. Relationship fields stay as written (resolve.ts parses them). */
export interface RepoPackage {
  name: string;
  version: string;
  arch: string;
  multiArch: MultiArch;
  /** Source package name and version (the binary's own when the stanza has no Source field). */
  source: string;
  sourceVersion: string;
  depends?: string;
  preDepends?: string;
  provides?: string;
  breaks?: string;
  conflicts?: string;
  /** Pool path relative to the archive root, e.g. `pool/main/o/openssl/libssl3_3.0.17-1~deb12u2_amd64.deb`. */
  filename: string;
  size: number;
  sha256: string;
  /** The archive root the file is fetched from (`uri` of the source). */
  archive: string;
  /** Which repository offered it, for plans and messages: `<uri> <suite>/<component>`. */
  repo: string;
}

export interface IndexIssue {
  where: string;
  reason: string;
}

export interface PackagesIndex {
  /** Package name → the versions offered (any order). */
  packages: Map<string, RepoPackage[]>;
  issues: IndexIssue[];
}

export interface PackagesFetchOptions extends HttpGetOptions {
  /** Cap on the decompressed index. Default 1 GiB. */
  maxIndexBytes?: number;
  /** Directory of the verified-index cache (see index-cache.ts); false: no cache. Default `indexCacheDir()`. */
  indexCache?: string | false;
}

const MAX_STANZA_BYTES = 1024 * 1024;
const MAX_STANZAS = 2_000_000;
const MAX_ISSUES = 100;
const DEFAULT_MAX_INDEX_BYTES = 1024 ** 3;
const COMPRESSIONS = [
  ['.gz', 'gzip'],
  ['.xz', 'xz'],
  ['', 'none'],
] as const;

/** The only stanza fields `toRepoPackage` reads; the rest (Description, Tag, hashes other than SHA256…) are skipped. */
export const REPO_PACKAGE_FIELDS: ReadonlySet<string> = new Set(['Package', 'Version', 'Architecture', 'Multi-Arch', 'Source', 'Depends', 'Pre-Depends', 'Provides', 'Breaks', 'Conflicts', 'Filename', 'Size', 'SHA256']);

/** The index paths of a component (relative to the release base), arch-all included when the archive splits it. */
export function indexPaths(release: Release, component: string, arch: string): string[] {
  if (release.source.suite.endsWith('/')) return ['Packages'];
  const paths = [`${component}/binary-${arch}/Packages`];
  if (release.separateArchAll && arch !== 'all') paths.push(`${component}/binary-all/Packages`);
  return paths;
}

/**
 * Fetch and parse the Packages indexes of every component of `release` for `arch` into one index. A component the
 * release does not list for this architecture is an issue, not an error; a hash or size mismatch is
 * E_DIGEST_MISMATCH naming the URL.
 * @example const index = await fetchPackagesIndex(release, 'amd64');
 */
export async function fetchPackagesIndex(release: Release, arch: string, options: PackagesFetchOptions = {}): Promise<PackagesIndex> {
  const index: PackagesIndex = { packages: new Map(), issues: [] };
  const seen = new Set<string>();
  const cache = options.indexCache ?? indexCacheDir();
  const components = release.source.suite.endsWith('/') ? [''] : release.source.components;
  for (const component of components) {
    for (const path of indexPaths(release, component, arch)) {
      const found = pickIndexFile(release, path);
      if (found === undefined) {
        if (!path.includes('/binary-all/')) index.issues.push({ where: `${release.url}`, reason: `lists no ${path}(.xz|.gz): the repository has no ${component || 'packages'} for ${arch}` });
        continue;
      }
      const url = byHashUrl(release, found.path, found.sha256);
      const shown = redactUrl(url.fallback ?? url.primary);
      const get = async (u: string): Promise<Buffer | undefined> => {
        try {
          return await httpGet(u, { ...options, maxBytes: found.size });
        } catch (err) {
          throw err instanceof GroutError && err.code === 'E_TOO_LARGE' ? longerThanSigned(redactUrl(u), found.size) : err;
        }
      };
      let body = cache === false ? undefined : await readCachedIndex(cache, found);
      if (body === undefined) {
        body = await get(url.primary);
        if (body === undefined && url.fallback !== undefined) body = await get(url.fallback);
        if (body === undefined) throw new GroutError('E_NETWORK', `cannot download ${shown}: not found (HTTP 404), though ${release.url} lists it`, { hint: 'the mirror may be mid-update; try again or use another mirror' });
        checkDigest(shown, found, body.length, createHash('sha256').update(body).digest('hex'));
        if (cache !== false) await storeCachedIndex(cache, found.sha256, body);
      }
      const repo = `${release.source.uri} ${release.source.suite}${component === '' ? '' : `/${component}`}`;
      const stream = decompress(body, found.compression, shown);
      body = undefined;
      try {
        await parsePackages(stream, shown, (stanza) => {
          const pkg = toRepoPackage(stanza, release.source.uri, repo);
          if (typeof pkg === 'string') {
            if (index.issues.length < MAX_ISSUES) index.issues.push({ where: shown, reason: pkg });
            return;
          }
          const key = `${pkg.name} ${pkg.version} ${pkg.arch}`;
          if (seen.has(key)) return;
          seen.add(key);
          const list = index.packages.get(pkg.name);
          if (list === undefined) index.packages.set(pkg.name, [pkg]);
          else list.push(pkg);
        }, options.maxIndexBytes ?? DEFAULT_MAX_INDEX_BYTES, REPO_PACKAGE_FIELDS);
      } finally {
        // Always tear the decompressor down: xz-decompress holds one process-wide mutex until its stream ends or
        // is cancelled, so an index abandoned mid-way (a parse error) would make every later xz read wait forever.
        if (!stream.destroyed) stream.destroy();
      }
    }
  }
  return index;
}

interface IndexFile {
  path: string;
  size: number;
  sha256: string;
  compression: 'xz' | 'gzip' | 'none';
}

function pickIndexFile(release: Release, path: string): IndexFile | undefined {
  for (const [suffix, compression] of COMPRESSIONS) {
    const entry = release.files.get(`${path}${suffix}`);
    if (entry !== undefined) return { path: `${path}${suffix}`, ...entry, compression };
  }
  return undefined;
}

/** With Acquire-By-Hash the content-addressed name comes first; the plain name is the fallback. */
function byHashUrl(release: Release, path: string, sha256: string): { primary: string; fallback?: string } {
  const plain = `${release.base}${path}`;
  if (!release.acquireByHash) return { primary: plain };
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  return { primary: `${release.base}${dir}by-hash/SHA256/${sha256}`, fallback: plain };
}

function decompress(body: Buffer, compression: IndexFile['compression'], shown: string): Readable {
  const input = Readable.from([body]);
  if (compression === 'none') return input;
  if (compression === 'gzip') return input.pipe(createGunzip({ chunkSize: 256 * 1024 }));
  try {
    const web = Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>;
    return Readable.fromWeb(new XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>);
  } catch (cause) {
    throw new GroutError('E_INPUT_FORMAT', `${shown} could not be decompressed: ${(cause as Error).message}`, { cause, file: shown });
  }
}

/** A stanza as field name (as written) → value, continuation lines joined with `\n`. */
export type Stanza = Map<string, string>;

/**
 * Stream-parse deb822 stanzas from `input`, calling `onStanza` for each. Bounded: stanza size, line length, stanza
 * count and total bytes; a decompression failure or an oversized stanza is E_INPUT_FORMAT / E_TOO_LARGE naming
 * `where`. With `fields`, only those fields are kept (the others are still counted against the bounds): a 50 MB
 * index then costs only the strings resolution needs, each a fresh string that holds on to no chunk of the input.
 */
export async function parsePackages(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  where: string,
  onStanza: (stanza: Stanza) => void,
  maxBytes = DEFAULT_MAX_INDEX_BYTES,
  fields?: ReadonlySet<string>,
): Promise<number> {
  let stanza: Stanza = new Map();
  let stanzaBytes = 0;
  let last: string | undefined;
  let count = 0;
  let total = 0;
  let pending: Buffer = Buffer.alloc(0);
  const wanted = fields === undefined ? undefined : fieldMatcher(fields);
  const flush = (): void => {
    if (stanza.size > 0) {
      if (++count > MAX_STANZAS) throw new GroutError('E_TOO_LARGE', `${where} has more than ${MAX_STANZAS} stanzas`, { file: where });
      onStanza(stanza);
      stanza = new Map();
    }
    stanzaBytes = 0;
    last = undefined;
  };
  /** One line: `buf[from, to)`, without its newline. */
  const line = (buf: Buffer, from: number, to: number): void => {
    if (to > from && buf[to - 1] === CR) to--;
    let first = from;
    while (first < to && (buf[first] === SPACE || buf[first] === TAB)) first++;
    if (first === to) {
      flush();
      return;
    }
    stanzaBytes += to - from + 1;
    if (stanzaBytes > MAX_STANZA_BYTES) throw new GroutError('E_TOO_LARGE', `${where} has a stanza larger than ${MAX_STANZA_BYTES} bytes`, { file: where });
    if (first > from) {
      // A continuation line of the last field kept.
      if (last !== undefined) stanza.set(last, `${stanza.get(last) ?? ''}\n${buf.toString('utf8', first, to).trim()}`);
      return;
    }
    let colon = from;
    while (colon < to && buf[colon] !== COLON) colon++;
    // Not a field (no colon, or nothing before it): the stanza's required fields decide whether it is usable.
    const name = colon === to || colon === from ? undefined : wanted === undefined ? buf.toString('latin1', from, colon) : wanted(buf, from, colon);
    last = name;
    if (name === undefined) return;
    // Trim on the bytes: one string per value, not a string and then its trimmed copy.
    let a = colon + 1;
    let b = to;
    while (a < b && (buf[a] === SPACE || buf[a] === TAB)) a++;
    while (b > a && (buf[b - 1] === SPACE || buf[b - 1] === TAB)) b--;
    stanza.set(name, buf.toString('utf8', a, b));
  };
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      total += bytes.length;
      if (total > maxBytes) throw new GroutError('E_TOO_LARGE', `${where} decompresses to more than ${maxBytes} bytes`, { file: where });
      const buf = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
      let start = 0;
      for (let nl = buf.indexOf(NL); nl >= 0; nl = buf.indexOf(NL, start)) {
        line(buf, start, nl);
        start = nl + 1;
      }
      // Copy the partial line: a view would keep the whole chunk alive.
      pending = start === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(start));
      if (pending.length > MAX_STANZA_BYTES) throw new GroutError('E_TOO_LARGE', `${where} has a line longer than ${MAX_STANZA_BYTES} bytes`, { file: where });
    }
  } catch (cause) {
    if (cause instanceof GroutError) throw cause;
    throw new GroutError('E_INPUT_FORMAT', `${where} could not be read: ${(cause as Error).message}`, { cause, file: where });
  }
  if (pending.length > 0) line(pending, 0, pending.length);
  flush();
  return count;
}

/**
 * A test for "is `buf[from, to)` one of `fields`" that returns the field's own string and allocates nothing for the
 * many fields skipped (Description, Tag, MD5sum…), which would otherwise be most of the garbage of a large index.
 */
function fieldMatcher(fields: ReadonlySet<string>): (buf: Buffer, from: number, to: number) => string | undefined {
  const byLength = new Map<number, { bytes: Buffer; name: string }[]>();
  for (const name of fields) {
    const bytes = Buffer.from(name, 'latin1');
    const list = byLength.get(bytes.length);
    if (list === undefined) byLength.set(bytes.length, [{ bytes, name }]);
    else list.push({ bytes, name });
  }
  return (buf, from, to) => {
    const candidates = byLength.get(to - from);
    if (candidates === undefined) return undefined;
    next: for (const c of candidates) {
      for (let i = 0; i < c.bytes.length; i++) if (c.bytes[i] !== buf[from + i]) continue next;
      return c.name;
    }
    return undefined;
  };
}

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

const MULTI_ARCH = new Set<MultiArch>(['no', 'same', 'foreign', 'allowed']);

/** A stanza as a RepoPackage, or the reason it cannot be used. */
export function toRepoPackage(stanza: Stanza, archive: string, repo: string): RepoPackage | string {
  const name = stanza.get('Package');
  const version = stanza.get('Version');
  const arch = stanza.get('Architecture');
  const filename = stanza.get('Filename');
  const size = stanza.get('Size');
  const sha256 = stanza.get('SHA256');
  const label = name === undefined ? 'a stanza' : `package ${name}`;
  if (name === undefined || !/^[a-z0-9][a-z0-9+.-]+$/.test(name)) return `${label}: missing or invalid Package`;
  if (version === undefined || !debScheme.isValid(version)) return `${label}: missing or invalid Version`;
  if (arch === undefined || !/^[a-z0-9-]+$/.test(arch)) return `${label}: missing or invalid Architecture`;
  if (filename === undefined || filename.startsWith('/') || filename.split('/').includes('..') || /\s/.test(filename)) return `${label}: missing or unsafe Filename`;
  if (size === undefined || !/^\d{1,15}$/.test(size)) return `${label}: missing or invalid Size`;
  if (sha256 === undefined || !/^[0-9a-fA-F]{64}$/.test(sha256)) return `${label}: missing or invalid SHA256`;
  const multi = (stanza.get('Multi-Arch') ?? 'no').toLowerCase() as MultiArch;
  let source = name;
  let sourceVersion = version;
  const src = stanza.get('Source');
  if (src !== undefined) {
    const m = /^([a-z0-9][a-z0-9+.-]+)(?:\s*\(([^)\s]+)\))?$/.exec(src.trim());
    if (m === null || m[1] === undefined) return `${label}: invalid Source ${JSON.stringify(src.slice(0, 80))}`;
    source = m[1];
    if (m[2] !== undefined) sourceVersion = m[2];
  }
  const pkg: RepoPackage = {
    name,
    version,
    arch,
    multiArch: MULTI_ARCH.has(multi) ? multi : 'no',
    source,
    sourceVersion,
    filename,
    size: Number(size),
    sha256: sha256.toLowerCase(),
    archive,
    repo,
  };
  const optional: [keyof RepoPackage, string][] = [
    ['depends', 'Depends'],
    ['preDepends', 'Pre-Depends'],
    ['provides', 'Provides'],
    ['breaks', 'Breaks'],
    ['conflicts', 'Conflicts'],
  ];
  for (const [key, field] of optional) {
    const value = stanza.get(field);
    if (value !== undefined && value !== '') (pkg as unknown as Record<string, string>)[key] = value.replace(/\s*\n\s*/g, ' ');
  }
  return pkg;
}

/** Merge the indexes of several repositories (later ones add to, never replace, earlier ones). */
export function mergeIndexes(indexes: readonly PackagesIndex[]): PackagesIndex {
  const merged: PackagesIndex = { packages: new Map(), issues: [] };
  for (const index of indexes) {
    merged.issues.push(...index.issues);
    for (const [name, list] of index.packages) merged.packages.set(name, [...(merged.packages.get(name) ?? []), ...list]);
  }
  return merged;
}
