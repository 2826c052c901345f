import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout, type EntrySpec, type LayerSpec } from '../../test/fixtures/image-builder.js';
import { inventory } from '../scan/index.js';
import { encodeInventoryTable } from '../report/index.js';
import { encodeCycloneDx } from '../sbom/index.js';
import type { FileExtractor } from './extractor.js';
import { baseName } from '../core/paths.js';
import { defaultExtractors } from './extractors/index.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An OCI layout under the test's work dir holding one image, tagged `t`, of these layers; returns its reference. */
async function layoutImage(name: string, layers: LayerSpec[]): Promise<string> {
  const dir = join(work, name);
  await writeOciLayout(dir, [{ tag: 't', layers }]);
  return `oci:${dir}:t`;
}

function stanza(name: string, version: string, extra = ''): string {
  return `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n${extra}Maintainer: Someone <s@example.org>\nDescription: ${name}\n`;
}

const osRelease: EntrySpec = {
  path: 'usr/lib/os-release',
  content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
};

describe('catalogImage on a layered dpkg image', () => {
  const layout = join(work, 'layout');
  const status1 = [stanza('base-files', '12.4+deb12u5'), stanza('gzip', '1.12-1', 'Source: gzip-src (1.12-0)\nDepends: libc6 (>= 2.34)\n'), stanza('libc6', '2.36-9')].join('\n');
  const status2 = [status1, stanza('curl', '7.88.1-10', 'Depends: libc6, gzip | bzip2\n')].join('\n');
  const status3 = [stanza('base-files', '12.4+deb12u5'), stanza('curl', '7.88.1-10', 'Depends: libc6\n'), stanza('libc6', '2.36-9')].join('\n');
  const written = writeOciLayout(layout, [
    {
      tag: 'test',
      layers: [
        {
          createdBy: 'mmdebstrap',
          entries: [
            { path: 'usr/bin', type: 'dir' },
            { path: 'bin', type: 'symlink', target: 'usr/bin' },
            { path: 'etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
            osRelease,
            { path: 'usr/bin/gzip', content: 'ELF gzip', mode: 0o755 },
            { path: 'usr/bin/zcat', content: 'ELF zcat', mode: 0o755 },
            { path: 'lib/x86_64-linux-gnu/libc.so.6', content: 'ELF libc' },
            { path: 'var/lib/dpkg/status', content: status1 },
            { path: 'var/lib/dpkg/info/gzip.list', content: '/.\n/bin\n/bin/gzip\n/bin/zcat\n' },
            { path: 'var/lib/dpkg/info/gzip.md5sums', content: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  bin/gzip\n' },
            { path: 'var/lib/dpkg/info/libc6:amd64.list', content: '/lib/x86_64-linux-gnu/libc.so.6\n' },
            { path: 'var/lib/dpkg/info/base-files.list', content: '/usr/lib/os-release\n' },
          ],
        },
        {
          createdBy: 'RUN apt-get install -y curl',
          entries: [
            { path: 'var/lib/dpkg/status', content: status2 },
            { path: 'var/lib/dpkg/info/curl.list', content: '/usr/bin/curl\n' },
            { path: 'usr/bin/curl', content: 'ELF curl', mode: 0o755 },
          ],
        },
        {
          createdBy: 'RUN dpkg --purge --force-depends gzip',
          entries: [
            { path: 'var/lib/dpkg/status', content: status3 },
            { path: 'var/lib/dpkg/info/.wh.gzip.list', content: '' },
            { path: 'var/lib/dpkg/info/.wh.gzip.md5sums', content: '' },
            { path: 'usr/bin/.wh.gzip', content: '' },
            { path: 'usr/bin/.wh.zcat', content: '' },
          ],
        },
      ],
    },
  ]);

  it('reports the packages of the merged image, each with the layer that introduced it', async () => {
    await written;
    const inv = await inventory(`oci:${layout}:test`);
    expect(inv.distro).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm' });
    expect(inv.packages.map((p) => `${p.name}@${p.version} layer ${p.locations[0]!.layer}`)).toEqual([
      'base-files@12.4+deb12u5 layer 0',
      'curl@7.88.1-10 layer 1',
      'libc6@2.36-9 layer 0',
    ]);
    const curl = inv.packages.find((p) => p.name === 'curl')!;
    expect(curl.purl).toBe('pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12');
    expect(curl.foundBy).toBe('os/dpkg@1');
    expect(inv.image.layers[1]!.createdBy).toBe('RUN apt-get install -y curl');
  });

  it('maps owned files through merged /usr and keeps only files that still exist', async () => {
    await written;
    const inv = await inventory(`oci:${layout}:test`);
    const libc = inv.packages.find((p) => p.name === 'libc6')!;
    expect(libc.files).toEqual(['lib/x86_64-linux-gnu/libc.so.6']);
    const base = inv.packages.find((p) => p.name === 'base-files')!;
    expect(base.files).toEqual(['usr/lib/os-release']);
    expect(inv.files.find((f) => f.path === 'usr/bin/curl')).toMatchObject({ layer: 1, owners: [curl(inv).id], type: 'file' });
    expect(inv.files.some((f) => f.path.includes('gzip'))).toBe(false);
  });

  it('resolves dependencies to installed packages', async () => {
    await written;
    const inv = await inventory(`oci:${layout}:test`);
    const id = (name: string): string => inv.packages.find((p) => p.name === name)!.id;
    expect(inv.relationships).toContainEqual({ from: id('curl'), to: id('libc6'), type: 'depends-on' });
  });

  it('gives the same inventory twice', async () => {
    await written;
    const a = JSON.stringify(await inventory(`oci:${layout}:test`));
    const b = JSON.stringify(await inventory(`oci:${layout}:test`));
    expect(a).toBe(b);
  });
});

function curl(inv: Awaited<ReturnType<typeof inventory>>) {
  return inv.packages.find((p) => p.name === 'curl')!;
}

describe('merged /usr attribution of dpkg lists', () => {
  it('maps /bin/zcat in a list to usr/bin/zcat', async () => {
    const dir = join(work, 'merged');
    await writeOciLayout(dir, [
      {
        tag: 't',
        layers: [
          {
            entries: [
              { path: 'bin', type: 'symlink', target: 'usr/bin' },
              { path: 'usr/bin/zcat', content: 'zcat' },
              { path: 'var/lib/dpkg/status', content: stanza('gzip', '1.12-1') },
              { path: 'var/lib/dpkg/info/gzip.list', content: '/bin\n/bin/zcat\n' },
              { path: 'var/lib/dpkg/info/gzip.md5sums', content: '0123456789abcdef0123456789abcdef  bin/zcat\n' },
            ],
          },
        ],
      },
    ]);
    const inv = await inventory(`oci:${dir}:t`);
    expect(inv.packages[0]!.files).toEqual(['usr/bin/zcat']);
    expect(inv.files).toEqual([
      expect.objectContaining({ path: 'usr/bin/zcat', digests: [{ algorithm: 'md5', value: '0123456789abcdef0123456789abcdef' }] }),
    ]);
  });
});

describe('file extractors', () => {
  /** A minimal per-file extractor for the test: every `*.pkg.json` file names one npm package. */
  const jsonPackages: FileExtractor = {
    name: 'test/json',
    version: 1,
    maxFileBytes: 1024,
    wants: (path) => path.endsWith('.pkg.json'),
    extractFile(file, ctx) {
      try {
        const { name, version } = JSON.parse(file.bytes.toString()) as { name: string; version: string };
        return [{ ecosystem: 'npm', name, version, licenses: [], evidence: file.path }];
      } catch {
        ctx.issue(file.path, 'not JSON');
        return [];
      }
    },
  };
  const pkg = (name: string, version: string) => JSON.stringify({ name, version });

  it('keeps what survives the layers, from the layer that wrote it, and drops what an OS package owns', async () => {
    const dir = join(work, 'file-extractor');
    await writeOciLayout(dir, [
      {
        tag: 't',
        layers: [
          {
            entries: [
              { path: 'app/a.pkg.json', content: pkg('a', '1.0.0') },
              { path: 'app/b.pkg.json', content: pkg('b', '1.0.0') },
              { path: 'app/gone.pkg.json', content: pkg('gone', '1.0.0') },
              { path: 'usr/share/nodejs/debian.pkg.json', content: pkg('from-deb', '1.0.0') },
              { path: 'var/lib/dpkg/status', content: stanza('node-from-deb', '1.0.0-1') },
              { path: 'var/lib/dpkg/info/node-from-deb.list', content: '/usr/share/nodejs/debian.pkg.json\n' },
              { path: 'big.pkg.json', content: 'x'.repeat(2000) },
            ],
          },
          {
            entries: [
              { path: 'app/b.pkg.json', content: pkg('b', '2.0.0') },
              { path: 'app/.wh.gone.pkg.json', content: '' },
              { path: 'app/bad.pkg.json', content: '{' },
              { path: 'app/link.pkg.json', type: 'hardlink', target: 'app/b.pkg.json' },
            ],
          },
        ],
      },
    ]);
    const inv = await inventory(`oci:${dir}:t`, { extractors: [...defaultExtractors, jsonPackages] });
    expect(inv.packages.filter((p) => p.ecosystem === 'npm').map((p) => `${p.name}@${p.version} ${p.locations[0]!.path} layer ${p.locations[0]!.layer}`)).toEqual([
      'a@1.0.0 app/a.pkg.json layer 0',
      'b@2.0.0 app/b.pkg.json layer 1',
      'b@2.0.0 app/link.pkg.json layer 1',
    ]);
    expect(inv.packages.map((p) => p.name)).toContain('node-from-deb');
    expect(inv.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'app/bad.pkg.json', layer: 1, stage: 'test/json@1', reason: 'not JSON' }),
        expect.objectContaining({ path: 'big.pkg.json', layer: 0, reason: expect.stringContaining('exceeds the 1024-byte limit') }),
      ]),
    );
    expect(inv.extractors).toContain('test/json@1');
  });
});

describe('large files wanted only by extractors with signatures', () => {
  it('reach the extractor whole when a signature is in them, never when none is, and are hashed and classified alike', async () => {
    const signature = Buffer.from('SIGNATURE-42');
    const seen: { path: string; bytes: Buffer }[] = [];
    const signed: FileExtractor = {
      name: 'test/signed',
      version: 1,
      maxFileBytes: 64 * 1024 * 1024,
      wants: (_path, info) => (info.mode & 0o111) !== 0,
      signatures: [signature],
      extractFile(file) {
        seen.push({ path: file.path, bytes: Buffer.from(file.bytes) });
        return [{ ecosystem: 'npm', name: baseName(file.path), version: '1.0.0', licenses: [], evidence: file.path }];
      },
    };
    const elf = readFileSync('/usr/bin/true');
    // Pseudo-random filler, so gzip cannot shrink the layer to nothing and the file arrives in many chunks.
    const filler = (size: number, seed: number): Buffer => {
      const out = Buffer.alloc(size);
      let state = seed;
      for (let i = 0; i < size; i++) out[i] = (state = (state * 1_103_515_245 + 12_345) >>> 0) >>> 24;
      return out;
    };
    const large = (tail: Buffer, seed: number): Buffer => Buffer.concat([elf, filler(3 * 1024 * 1024, seed), tail, filler(1024, seed + 1)]);
    const withSignature = large(signature, 1);
    const without = large(Buffer.from('SIGNATURE-41'), 2);
    const small = Buffer.concat([elf, signature]);
    const reference = await layoutImage('screened', [
      {
        entries: [
          { path: 'opt/bin/signed', content: withSignature, mode: 0o755 },
          { path: 'opt/bin/plain', content: without, mode: 0o755 },
          { path: 'opt/bin/small', content: small, mode: 0o755 },
        ],
      },
    ]);
    const inv = await inventory(reference, { extractors: [signed] });
    expect(seen.map((s) => s.path).sort()).toEqual(['opt/bin/signed', 'opt/bin/small']);
    expect(seen.find((s) => s.path === 'opt/bin/signed')!.bytes.equals(withSignature)).toBe(true);
    expect(inv.packages.map((p) => p.name).sort()).toEqual(['signed', 'small']);
    const files = Object.fromEntries(inv.files.map((f) => [f.path, f]));
    const summary = { format: 'elf', elfType: 'executable', interpreter: expect.stringContaining('ld-linux') };
    for (const [path, bytes] of [['opt/bin/signed', withSignature], ['opt/bin/plain', without], ['opt/bin/small', small]] as const) {
      expect(files[path], path).toMatchObject({ sha256: createHash('sha256').update(bytes).digest('hex'), executable: summary });
    }
  });
});

describe('executables and libraries', () => {
  it('hashes every executable, and lists those no package owns with the layer that brought them', async () => {
    const elf = readFileSync('/usr/bin/true');
    const reference = await layoutImage('executables', [
      {
        entries: [
          { path: 'usr/bin/owned', content: elf, mode: 0o755 },
          { path: 'var/lib/dpkg/status', content: stanza('coreutils', '9.1-1') },
          { path: 'var/lib/dpkg/info/coreutils.list', content: '/usr/bin/owned\n' },
        ],
      },
      {
        createdBy: 'COPY stuff /',
        entries: [
          { path: 'usr/local/bin/mystery', content: elf, mode: 0o755 },
          { path: 'usr/local/bin/tool.sh', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
          { path: 'opt/lib/libmystery.so.1', content: elf, mode: 0o644 },
          { path: 'opt/notes.txt', content: 'not a binary', mode: 0o755 },
          { path: 'opt/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
        ],
      },
    ]);
    const inv = await inventory(reference);
    const sha = createHash('sha256').update(elf).digest('hex');
    const files = Object.fromEntries(inv.files.map((f) => [f.path, f]));
    expect(files['usr/bin/owned']).toMatchObject({ sha256: sha, owners: [inv.packages[0]!.id], executable: { format: 'elf', elfType: 'executable' } });
    expect(files['usr/local/bin/mystery']).toMatchObject({ sha256: sha, owners: [], layer: 1, executable: { format: 'elf', elfType: 'executable', interpreter: expect.stringContaining('ld-linux') } });
    expect(files['opt/lib/libmystery.so.1']).toMatchObject({ owners: [], executable: { format: 'elf' } });
    expect(files['usr/local/bin/tool.sh']).toMatchObject({ owners: [], executable: { format: 'script', shebang: '/bin/sh' } });
    // Not ELF, and a script outside a bin directory: not part of the report.
    expect(files['opt/notes.txt']).toBeUndefined();
    expect(files['opt/run.sh']).toBeUndefined();

    const table = encodeInventoryTable(inv);
    expect(table).toContain('3 executables and libraries no package owns:');
    expect(table).toMatch(/usr\/local\/bin\/mystery\s+ELF executable\s+\d+\s+1\s+[0-9a-f]{64}/);
    const cdx = JSON.parse(encodeCycloneDx(inv));
    expect(cdx.components.find((c: { name: string }) => c.name === 'usr/local/bin/mystery')).toMatchObject({ type: 'file', hashes: [{ alg: 'SHA-256', content: sha }] });
    expect(cdx.components.some((c: { name: string }) => c.name === 'usr/bin/owned')).toBe(false);
  });
});
