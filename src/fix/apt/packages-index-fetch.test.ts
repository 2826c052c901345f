import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import xzPackage from 'xz-decompress';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchPackagesIndex, parsePackages, REPO_PACKAGE_FIELDS, type Stanza } from './packages-index.js';
import type { Release, ReleaseFileEntry } from './release.js';

const { XzReadableStream } = xzPackage;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const xz = (b: Buffer): Buffer => execFileSync('xz', ['-c', '-1'], { input: b });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stanza(name: string, version: string): string {
  return [
    `Package: ${name}`,
    `Version: ${version}`,
    'Architecture: amd64',
    'Description: something',
    ' long, with a continuation line: Package: not-a-field',
    'Tag: role::shared-lib',
    `Filename: pool/main/${name}_${version}_amd64.deb`,
    'Size: 10',
    `SHA256: ${'a'.repeat(64)}`,
    '',
  ].join('\n');
}
const PACKAGES = Buffer.from([stanza('libfoo1', '1.0-1'), stanza('bar', '2.0-1')].join('\n'));

/** A file: archive with `main/binary-amd64/Packages` in the given compressions, and its (unsigned) Release. */
function archive(compressions: readonly ('gz' | 'xz' | '')[], body = PACKAGES): { release: Release; dir: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'grout-index-fetch-'));
  dirs.push(root);
  const dists = join(root, 'dists', 'stable');
  mkdirSync(join(dists, 'main', 'binary-amd64'), { recursive: true });
  const files = new Map<string, ReleaseFileEntry>();
  for (const c of compressions) {
    const bytes = c === 'gz' ? gzipSync(body) : c === 'xz' ? xz(body) : body;
    const path = `main/binary-amd64/Packages${c === '' ? '' : `.${c}`}`;
    writeFileSync(join(dists, path), bytes);
    files.set(path, { size: bytes.length, sha256: sha(bytes) });
  }
  const uri = pathToFileURL(root).toString();
  const release: Release = {
    source: { origin: 'test', uri, suite: 'stable', components: ['main'], trusted: false, checkValidUntil: true },
    url: `${uri}/dists/stable/InRelease`,
    base: `${uri}/dists/stable/`,
    architectures: ['amd64'],
    components: ['main'],
    acquireByHash: false,
    separateArchAll: false,
    files,
    signers: [],
  };
  return { release, dir: join(dists, 'main', 'binary-amd64'), cache: join(root, 'cache') };
}

const names = (index: Awaited<ReturnType<typeof fetchPackagesIndex>>): string[] => [...index.packages.keys()].sort();

describe('fetchPackagesIndex', () => {
  it('prefers Packages.gz when the release lists it, and never reads the .xz', async () => {
    const { release, dir } = archive(['xz', 'gz']);
    rmSync(join(dir, 'Packages.xz')); // would be a 404 if it were asked for
    const index = await fetchPackagesIndex(release, 'amd64', { indexCache: false });
    expect(names(index)).toEqual(['bar', 'libfoo1']);
    expect(index.packages.get('libfoo1')?.[0]).toMatchObject({ version: '1.0-1', filename: 'pool/main/libfoo1_1.0-1_amd64.deb', repo: `${release.source.uri} stable/main` });
  });

  it('falls back to Packages.xz, then to the plain file', async () => {
    expect(names(await fetchPackagesIndex(archive(['xz']).release, 'amd64', { indexCache: false }))).toEqual(['bar', 'libfoo1']);
    expect(names(await fetchPackagesIndex(archive(['']).release, 'amd64', { indexCache: false }))).toEqual(['bar', 'libfoo1']);
  });

  it('caches the verified index by its signed sha256: a second fetch needs no mirror', async () => {
    const { release, dir, cache } = archive(['gz']);
    await fetchPackagesIndex(release, 'amd64', { indexCache: cache });
    const signed = release.files.get('main/binary-amd64/Packages.gz')!;
    expect(readdirSync(cache)).toEqual([signed.sha256]);
    rmSync(join(dir, 'Packages.gz')); // the mirror is gone: only the cache can answer
    expect(names(await fetchPackagesIndex(release, 'amd64', { indexCache: cache }))).toEqual(['bar', 'libfoo1']);
  });

  it('does not trust a tampered cache file: it downloads again and repairs the cache', async () => {
    const { release, cache } = archive(['gz']);
    await fetchPackagesIndex(release, 'amd64', { indexCache: cache });
    const signed = release.files.get('main/binary-amd64/Packages.gz')!;
    const evil = gzipSync(Buffer.from(stanza('evil', '9.9-1')));
    writeFileSync(join(cache, signed.sha256), Buffer.concat([evil, Buffer.alloc(Math.max(0, signed.size - evil.length))]).subarray(0, signed.size));
    const index = await fetchPackagesIndex(release, 'amd64', { indexCache: cache });
    expect(names(index)).toEqual(['bar', 'libfoo1']);
    expect(sha(readFileSync(join(cache, signed.sha256)))).toBe(signed.sha256);
  });

  it('stores nothing when the download does not match the signed hash', async () => {
    const { release, cache } = archive(['gz']);
    const entry = release.files.get('main/binary-amd64/Packages.gz')!;
    release.files.set('main/binary-amd64/Packages.gz', { ...entry, sha256: '0'.repeat(64) });
    await expect(fetchPackagesIndex(release, 'amd64', { indexCache: cache })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('an xz index abandoned mid-way does not block the next xz stream', async () => {
    const huge = Buffer.from(`Package: a\nDescription: ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const { release } = archive(['xz'], huge);
    await expect(fetchPackagesIndex(release, 'amd64', { indexCache: false })).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    // xz-decompress serialises its streams: a leaked one would make this wait forever.
    const web = Readable.toWeb(Readable.from([xz(PACKAGES)])) as unknown as ReadableStream<Uint8Array>;
    const next = Readable.fromWeb(new XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>);
    const chunks: Buffer[] = [];
    const read = (async () => {
      for await (const c of next) chunks.push(c as Buffer);
    })();
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('xz stream blocked')), 10_000));
    await Promise.race([read, timeout]);
    expect(Buffer.concat(chunks)).toEqual(PACKAGES);
  });
});

describe('parsePackages with a field list (bounded parse)', () => {
  it('keeps only the fields asked for, and no continuation of a skipped field', async () => {
    const out: Stanza[] = [];
    await parsePackages([PACKAGES], 'P', (s) => out.push(s), undefined, REPO_PACKAGE_FIELDS);
    expect(out).toHaveLength(2);
    expect([...out[0]!.keys()]).toEqual(['Package', 'Version', 'Architecture', 'Filename', 'Size', 'SHA256']);
    expect(out[0]!.get('Package')).toBe('libfoo1');
  });

  it('decodes UTF-8 split across chunks, byte by byte', async () => {
    const text = Buffer.from('Package: a\nMaintainer: Jörg Ünïcødé <j@example.org>\n');
    const out: Stanza[] = [];
    await parsePackages([...text].map((b) => Buffer.from([b])), 'P', (s) => out.push(s));
    expect(out[0]?.get('Maintainer')).toBe('Jörg Ünïcødé <j@example.org>');
  });

  it('stays linear on lines without a colon', async () => {
    const hostile = Buffer.from('x\n'.repeat(400_000));
    const started = Date.now();
    await expect(parsePackages([hostile], 'P', () => {}, undefined, REPO_PACKAGE_FIELDS)).resolves.toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
