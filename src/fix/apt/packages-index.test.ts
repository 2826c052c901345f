import { gzipSync } from 'node:zlib';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parsePackages, toRepoPackage, type Stanza } from './packages-index.js';

const HASH = 'c'.repeat(64);

async function stanzas(input: Iterable<string | Buffer> | AsyncIterable<string | Buffer>, max?: number): Promise<Stanza[]> {
  const out: Stanza[] = [];
  await parsePackages(input, 'P', (s) => out.push(s), max);
  return out;
}

describe('parsePackages', () => {
  it('splits stanzas across chunk boundaries, joins continuation lines and tolerates CRLF', async () => {
    const text = 'Package: a\r\nVersion: 1\nDescription: x\n more\n\n\n\nPackage: b\nVersion: 2\n';
    const chunks = text.match(/[\s\S]{1,3}/g) ?? [];
    const result = await stanzas(chunks);
    expect(result.map((s) => Object.fromEntries(s))).toEqual([{ Package: 'a', Version: '1', Description: 'x\nmore' }, { Package: 'b', Version: '2' }]);
  });

  it('reads a gzip stream', async () => {
    const result = await stanzas(Readable.from([gzipSync('Package: z\nVersion: 1\n')]).pipe(createGunzip()));
    expect(result).toHaveLength(1);
  });

  it('bounds stanza size and total size, and names the file', async () => {
    await expect(stanzas([`Package: a\nDescription: ${'x'.repeat(2 * 1024 * 1024)}\n`])).rejects.toThrow(/^P has a (stanza|line) larger than|^P has a line longer than/);
    await expect(stanzas(['Package: a\n\n'.repeat(100)], 50)).rejects.toThrow('P decompresses to more than 50 bytes');
  });

  it('turns a stream failure into E_INPUT_FORMAT', async () => {
    async function* broken(): AsyncGenerator<string> {
      yield 'Package: a\n';
      throw new Error('xz: corrupt data');
    }
    await expect(stanzas(broken())).rejects.toMatchObject({ code: 'E_INPUT_FORMAT', message: 'P could not be read: xz: corrupt data' });
  });
});

describe('toRepoPackage', () => {
  const base = { Package: 'libssl3', Version: '3.0.17-1~deb12u2', Architecture: 'amd64', Filename: 'pool/main/o/openssl/libssl3_3.0.17-1~deb12u2_amd64.deb', Size: '2030000', SHA256: HASH };
  const read = (fields: Record<string, string>) => toRepoPackage(new Map(Object.entries(fields)), 'http://a/debian', 'http://a/debian bookworm/main');

  it('reads Source with its version, Multi-Arch and the relationship fields', () => {
    expect(read({ ...base, Source: 'openssl (3.0.17-1~deb12u2)', 'Multi-Arch': 'same', Depends: 'libc6 (>= 2.34),\n openssl-provider-legacy', Breaks: 'x (<< 1)' })).toEqual({
      name: 'libssl3',
      version: '3.0.17-1~deb12u2',
      arch: 'amd64',
      multiArch: 'same',
      source: 'openssl',
      sourceVersion: '3.0.17-1~deb12u2',
      depends: 'libc6 (>= 2.34), openssl-provider-legacy',
      breaks: 'x (<< 1)',
      filename: base.Filename,
      size: 2030000,
      sha256: HASH,
      archive: 'http://a/debian',
      repo: 'http://a/debian bookworm/main',
    });
    expect(read({ ...base, Source: 'openssl' })).toMatchObject({ source: 'openssl', sourceVersion: '3.0.17-1~deb12u2', multiArch: 'no' });
  });

  it('refuses stanzas that cannot be fetched safely', () => {
    expect(read({ ...base, Filename: '../../etc/passwd' })).toBe('package libssl3: missing or unsafe Filename');
    expect(read({ ...base, Filename: '/abs.deb' })).toBe('package libssl3: missing or unsafe Filename');
    expect(read({ ...base, SHA256: 'short' })).toBe('package libssl3: missing or invalid SHA256');
    expect(read({ ...base, Size: '-1' })).toBe('package libssl3: missing or invalid Size');
    expect(read({ ...base, Version: 'not valid' })).toBe('package libssl3: missing or invalid Version');
    expect(read({ ...base, Source: 'bad source (' })).toMatch(/invalid Source/);
    const { Package: _omit, ...nameless } = base;
    expect(read(nameless)).toBe('a stanza: missing or invalid Package');
  });
});
