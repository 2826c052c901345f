/**
 * End to end on a real Debian image: newer .debs (real packages repacked with a higher version, since the
 * archive's candidates equal the image's) → patch layer → patched image in all three formats → read back with
 * grout's own readers, and checked with dpkg itself on the unpacked root file system.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, symlinkSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageSource, inventory } from '../../index.js';
import { debianTestImage, TAG, type DebianTestImage } from '../../../test/images/debian-image.js';
import { writePatchedImage } from '../../image/writer/index.js';
import { buildDeb, downloadDeb, repackDeb } from '../deb/testdata/debs.js';
import { buildPatchLayer, patchBaseLayers, readRootfsView, type PatchLayer } from './index.js';

const ZLIB = '1:1.2.13.dfsg-1+grout1';
const ZSTD = '1.5.4+dfsg2-5+grout1';
const HELLO = '1.0-1';
const time = new Date('2025-01-02T03:04:05Z');

let image: DebianTestImage;
let work: string;
let debs: string[];
let before: Map<string, string>;

function hashTree(path: string, out = new Map<string, string>()): Map<string, string> {
  const st = statSync(path);
  if (st.isDirectory()) for (const name of readdirSync(path).sort()) hashTree(join(path, name), out);
  else out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  return out;
}

function regenerateMd5sums(root: string): void {
  const files = execFileSync('find', ['.', '-type', 'f', '-not', '-path', './DEBIAN/*'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.slice(2))
    .sort();
  writeFileSync(join(root, 'DEBIAN/md5sums'), execFileSync('md5sum', files, { cwd: root, encoding: 'utf8' }));
}

async function patchLayerFor(source: string, out: string): Promise<PatchLayer> {
  const opened = await imageSource(source).open();
  try {
    const rootfs = await readRootfsView(patchBaseLayers(opened));
    return await buildPatchLayer({ rootfs, debs, out, time });
  } finally {
    await opened.close();
  }
}

function unpackOci(layout: string, tag: string, bundle: string): string {
  execFileSync('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle], { stdio: ['ignore', 'ignore', 'pipe'] });
  return join(bundle, 'rootfs');
}

function dpkgChecks(rootfs: string): { audit: string; versions: Map<string, string>; verify: string } {
  const admindir = `--admindir=${join(rootfs, 'var/lib/dpkg')}`;
  const audit = execFileSync('dpkg', [admindir, '--audit'], { encoding: 'utf8' });
  const query = execFileSync('dpkg-query', [admindir, '-W', '-f', '${Package}\t${Version}\t${db:Status-Status}\n'], { encoding: 'utf8' });
  const versions = new Map(query.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string, string]).filter((f) => f[2] === 'installed').map((f) => [f[0], f[1]]));
  let verify: string;
  try {
    verify = execFileSync('dpkg', [`--root=${rootfs}`, '--verify', 'zlib1g', 'libzstd1', 'grout-hello'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    verify = `exit ${(err as { status: number }).status}: ${(err as { stdout: string }).stdout}${(err as { stderr: string }).stderr}`;
  }
  return { audit, versions, verify };
}

beforeAll(async () => {
  image = await debianTestImage();
  before = new Map([...hashTree(image.ociLayout), ...hashTree(image.ociArchive), ...hashTree(image.dockerArchive)]);
  work = mkdtempSync(join(tmpdir(), 'grout-patch-'));
  const zlib = repackDeb(downloadDeb('zlib1g'), ZLIB, work, (root) => {
    // The new version no longer ships one file: the patched image must not have it either.
    unlinkSync(join(root, 'usr/share/doc/zlib1g/changelog.gz'));
    regenerateMd5sums(root);
  });
  const zstd = repackDeb(
    downloadDeb('libzstd1'),
    ZSTD,
    work,
    (root) => {
      // A new upstream release renames the library; the old file must go, the symlink follows.
      const lib = join(root, 'usr/lib/x86_64-linux-gnu');
      renameSync(join(lib, 'libzstd.so.1.5.4'), join(lib, 'libzstd.so.1.5.5'));
      unlinkSync(join(lib, 'libzstd.so.1'));
      symlinkSync('libzstd.so.1.5.5', join(lib, 'libzstd.so.1'));
      regenerateMd5sums(root);
    },
    'zstd',
  );
  const hello = buildDeb(
    {
      name: 'grout-hello',
      version: HELLO,
      files: [
        { path: 'usr/bin/grout-hello', content: '#!/bin/sh\necho hello\n', mode: 0o755 },
        { path: 'etc/grout-hello.conf', content: 'greeting=hello\n' },
        { path: 'lib/grout-hello/data', content: 'under the usrmerge symlink\n' },
      ],
      conffiles: ['/etc/grout-hello.conf'],
      scripts: { postinst: '#!/bin/sh\nset -e\nuseradd grout-hello\n' },
      compression: 'gzip',
    },
    work,
  );
  debs = [zlib, zstd, hello];
}, 1_800_000);

afterAll(() => {
  if (work && process.env['GROUT_KEEP_TEST_OUTPUT'] === undefined) rmSync(work, { recursive: true, force: true });
});

describe('patching the Debian test image', () => {
  let layer: PatchLayer;
  const out = (name: string): string => join(work, name);

  it('builds one layer: new files, whiteouts for what the old versions had, the dpkg database, warnings', async () => {
    layer = await patchLayerFor(`oci:${image.ociLayout}:${TAG}`, out('layer.tar.gz'));
    expect(layer.changes).toEqual([
      { package: 'zlib1g', architecture: 'amd64', from: '1:1.2.13.dfsg-1', to: ZLIB, deb: debs[0], database: 'status' },
      { package: 'libzstd1', architecture: 'amd64', from: '1.5.4+dfsg2-5', to: ZSTD, deb: debs[1], database: 'status' },
      { package: 'grout-hello', architecture: 'amd64', to: HELLO, deb: debs[2], database: 'status' },
    ]);
    // usrmerge: /lib is a symlink to usr/lib, so zlib's /lib/x86_64-linux-gnu/… lands under usr/lib.
    expect(layer.removed).toEqual(['usr/lib/x86_64-linux-gnu/libzstd.so.1.5.4', 'usr/share/doc/zlib1g/changelog.gz']);
    expect(layer.warnings).toHaveLength(1);
    expect(layer.warnings[0]).toMatch(/grout-hello 1\.0-1: the postinst script does more than ldconfig\/triggers.*useradd/);
    const names = execFileSync('tar', ['-tzf', layer.file], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(names).toContain('usr/lib/x86_64-linux-gnu/libz.so.1.2.13');
    expect(names.some((n) => n === 'lib/' || n.startsWith('lib/'))).toBe(false);
    expect(names).toContain('usr/lib/x86_64-linux-gnu/.wh.libzstd.so.1.5.4');
    expect(names).toContain('var/lib/dpkg/info/zlib1g:amd64.list');
    expect(names).toContain('var/lib/dpkg/info/grout-hello.postinst');
    expect(names).toContain('var/lib/dpkg/status');
    expect(layer.diffId).toBe(`sha256:${createHash('sha256').update(execFileSync('gzip', ['-dc', layer.file], { maxBuffer: 1 << 28 })).digest('hex')}`);
    expect(layer.digest).toBe(`sha256:${createHash('sha256').update(readFileSync(layer.file)).digest('hex')}`);
  });

  it('leaves every other status paragraph byte-identical', () => {
    const original = readFileSync(join(image.rootfs, 'var/lib/dpkg/status'), 'latin1').split('\n\n');
    const status = execFileSync('tar', ['-xzOf', layer.file, 'var/lib/dpkg/status']).toString('latin1');
    const paragraphs = status.split('\n\n');
    const changed = new Set(['zlib1g', 'libzstd1', 'grout-hello']);
    const untouched = (list: string[]): string[] => list.filter((p) => !changed.has(/^Package: (.*)$/m.exec(p)?.[1] ?? ''));
    expect(untouched(paragraphs)).toEqual(untouched(original));
    expect(paragraphs.length).toBe(original.length + 1);
    const zlib = paragraphs.find((p) => p.startsWith('Package: zlib1g\n'))!;
    expect(zlib).toMatch(/^Package: zlib1g\nStatus: install ok installed\nPriority: /);
    expect(zlib).toContain(`\nVersion: ${ZLIB}\n`);
    const hello = paragraphs.find((p) => p.startsWith('Package: grout-hello\n'))!;
    expect(hello).toMatch(/\nConffiles:\n \/etc\/grout-hello\.conf [0-9a-f]{32}\nDescription: /);
  });

  for (const format of ['oci', 'oci-archive', 'docker-archive'] as const) {
    it(`writes the patched image as ${format}; grout reads it back with the new versions and one more layer`, async () => {
      const target = out(format === 'oci' ? 'patched-oci' : `patched-${format}.tar`);
      const written = await writePatchedImage({
        source: `oci:${image.ociLayout}:${TAG}`,
        layer,
        out: format === 'docker-archive' ? `docker-archive:${target}:grout/patched:1` : `${format}:${target}:patched`,
        summary: 'zlib1g, libzstd1, grout-hello',
        created: time,
        groutVersion: '0.1.0-test',
      });
      expect(written.layerCount).toBe(5);
      expect(written.replacedPatchLayer).toBe(false);
      const ref = format === 'docker-archive' ? `docker-archive:${target}` : `${format}:${target}:patched`;
      const inv = await inventory(ref);
      expect(inv.image.layers).toHaveLength(5);
      expect(inv.image.layers[4]?.createdBy).toBe('grout fix: zlib1g, libzstd1, grout-hello');
      const version = (name: string): string | undefined => inv.packages.find((p) => p.ecosystem === 'deb' && p.name === name)?.version;
      expect(version('zlib1g')).toBe(ZLIB);
      expect(version('libzstd1')).toBe(ZSTD);
      expect(version('grout-hello')).toBe(HELLO);
      expect(version('libc6')).toBe(image.expectedDpkg.find((l) => l.startsWith('libc6\t'))!.split('\t')[1]);
      expect(inv.packages.filter((p) => p.ecosystem === 'deb')).toHaveLength(image.expectedDpkg.length + 1);
      if (format !== 'oci') {
        // skopeo (containers/image) reads it as well: proof the archive is what docker load / skopeo expect.
        const copied = out(`skopeo-${format}`);
        execFileSync('skopeo', ['copy', '--quiet', `${format}:${target}`, `oci:${copied}:copied`], { stdio: ['ignore', 'ignore', 'pipe'] });
        const rootfs = unpackOci(copied, 'copied', out(`bundle-${format}`));
        const { audit, versions, verify } = dpkgChecks(rootfs);
        expect(audit).toBe('');
        expect(versions.get('zlib1g')).toBe(ZLIB);
        expect(verify).toBe('');
      }
    });
  }

  it('is a sound system for dpkg: --audit is silent, dpkg-query shows the new versions, --verify finds nothing', () => {
    const rootfs = unpackOci(out('patched-oci'), 'patched', out('bundle-oci'));
    const { audit, versions, verify } = dpkgChecks(rootfs);
    expect(audit).toBe('');
    expect(versions.get('zlib1g')).toBe(ZLIB);
    expect(versions.get('libzstd1')).toBe(ZSTD);
    expect(versions.get('grout-hello')).toBe(HELLO);
    expect(verify).toBe('');
    const lib = join(rootfs, 'usr/lib/x86_64-linux-gnu');
    expect(readdirSync(lib).filter((f) => f.startsWith('libzstd.so'))).toEqual(['libzstd.so.1', 'libzstd.so.1.5.5']);
    expect(statSync(join(rootfs, 'lib')).isDirectory()).toBe(true);
    expect(execFileSync('readlink', [join(rootfs, 'lib')], { encoding: 'utf8' }).trim()).toBe('usr/lib');
    expect(readFileSync(join(rootfs, 'usr/lib/grout-hello/data'), 'utf8')).toBe('under the usrmerge symlink\n');
    expect(() => statSync(join(rootfs, 'usr/share/doc/zlib1g/changelog.gz'))).toThrow();
  });

  it('agrees with dpkg itself: the same status file, info files and file tree as dpkg -i of the same upgrades', () => {
    const reference = out('dpkg-reference');
    execFileSync('cp', ['-a', image.rootfs, reference]);
    execFileSync('dpkg', [`--root=${reference}`, '-i', debs[0]!, debs[1]!], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ours = join(out('bundle-oci'), 'rootfs');
    const withoutHello = (text: string): string => text.split('\n\n').filter((p) => !p.startsWith('Package: grout-hello\n')).join('\n\n');
    expect(withoutHello(readFileSync(join(ours, 'var/lib/dpkg/status'), 'latin1'))).toBe(readFileSync(join(reference, 'var/lib/dpkg/status'), 'latin1'));
    const info = (root: string): string[] => readdirSync(join(root, 'var/lib/dpkg/info')).filter((f) => /^(zlib1g|libzstd1)[:.]/.test(f)).sort();
    expect(info(ours)).toEqual(info(reference));
    for (const f of info(reference)) expect(readFileSync(join(ours, 'var/lib/dpkg/info', f)).equals(readFileSync(join(reference, 'var/lib/dpkg/info', f)))).toBe(true);
    const tree = (root: string): string[] =>
      execFileSync('find', ['.', '-path', './var/lib/dpkg', '-prune', '-o', '-print'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
        .split('\n')
        .filter((p) => p !== '' && !p.includes('grout-hello'))
        .sort();
    expect(tree(ours)).toEqual(tree(reference));
  });

  it('patching the patched image replaces its patch layer instead of stacking', async () => {
    const source = `oci:${out('patched-oci')}:patched`;
    const again = await patchLayerFor(source, out('layer2.tar.gz'));
    expect(again.diffId).toBe(layer.diffId);
    const written = await writePatchedImage({ source, layer: again, out: `oci:${out('patched-twice')}:patched`, summary: 'again', created: time, groutVersion: '0.1.0-test' });
    expect(written.replacedPatchLayer).toBe(true);
    expect(written.layerCount).toBe(5);
    const inv = await inventory(`oci:${out('patched-twice')}:patched`);
    expect(inv.image.layers).toHaveLength(5);
    expect(inv.image.layers.map((l) => l.createdBy)).toEqual([...(await inventory(`oci:${image.ociLayout}:${TAG}`)).image.layers.map((l) => l.createdBy), 'grout fix: again']);
    const manifest = JSON.parse(readFileSync(join(out('patched-twice'), 'blobs/sha256', written.manifestDigest.slice(7)), 'utf8'));
    const original = JSON.parse(readFileSync(join(image.ociLayout, 'index.json'), 'utf8')).manifests[0].digest;
    expect(manifest.annotations['org.opencontainers.image.base.digest']).toBe(original);
    expect(manifest.annotations['dev.grout.version']).toBe('0.1.0-test');
    expect(manifest.layers.at(-1).annotations).toEqual({ 'dev.grout.patch-layer': 'true' });
    expect(manifest.layers.slice(0, -1).every((l: { annotations?: unknown }) => l.annotations === undefined)).toBe(true);
  });

  it('refuses to write over its input', async () => {
    await expect(
      writePatchedImage({ source: `oci:${image.ociLayout}:${TAG}`, layer, out: `oci:${image.ociLayout}:x`, summary: 'x', created: time, groutVersion: '0' }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(
      writePatchedImage({ source: `docker-archive:${image.dockerArchive}`, layer, out: `docker-archive:${image.dockerArchive}`, summary: 'x', created: time, groutVersion: '0' }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('never changed the input image', () => {
    const after = new Map([...hashTree(image.ociLayout), ...hashTree(image.ociArchive), ...hashTree(image.dockerArchive)]);
    expect(after).toEqual(before);
  });
});
