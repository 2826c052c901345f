import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tarDirectory, tempDir, writeDockerArchive, writeOciLayout, type ImageSpec } from '../../test/fixtures/image-builder.js';
import { imageSource, parsePlatform, type OpenedImage } from './index.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec: ImageSpec = {
  layers: [
    {
      entries: [
        { path: './', type: 'dir' },
        { path: './etc/', type: 'dir' },
        { path: './etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { path: 'usr/bin/tool', content: 'x'.repeat(100), mode: 0o755 },
        { path: 'bin', type: 'symlink', target: 'usr/bin' },
      ],
      createdBy: 'base layer',
    },
    { entries: [{ path: 'etc/.wh.os-release', content: '' }, { path: 'opt/new/file', content: 'hello' }], createdBy: 'RUN change', compression: 'zstd' },
    { entries: [{ path: 'opt/.wh..wh..opq', content: '' }, { path: 'srv/plain', content: 'plain' }], createdBy: 'RUN plain', compression: 'none' },
  ],
};

async function entriesOf(image: OpenedImage): Promise<string[][]> {
  const out: string[][] = [];
  for (const layer of image.layers) {
    const list: string[] = [];
    for await (const e of layer.entries()) {
      if (e.kind === 'node') list.push(`${e.type}:${e.path}${e.type === 'file' ? `=${(await e.read()).toString()}` : ''}`);
      else list.push(`${e.kind}:${e.path}`);
    }
    out.push(list);
  }
  return out;
}

const expectedEntries = [
  ['dir:etc', `file:etc/os-release=ID=debian\nVERSION_ID="12"\n`, `file:usr/bin/tool=${'x'.repeat(100)}`, 'symlink:bin'],
  ['whiteout:etc/os-release', 'file:opt/new/file=hello'],
  ['opaque:opt', 'file:srv/plain=plain'],
];

describe('OCI image layout', () => {
  const layout = join(work, 'layout');
  const written = writeOciLayout(layout, [{ ...spec, tag: 'v1' }]);

  it('reads a tagged image: layers in order, gzip, zstd and plain, with history', async () => {
    await written;
    const image = await imageSource(`oci:${layout}:v1`).open();
    expect(image.description.transport).toBe('oci');
    expect(image.description.tags).toEqual(['v1']);
    expect(image.description.layers.map((l) => l.createdBy)).toEqual(['base layer', 'RUN change', 'RUN plain']);
    expect(image.description.os).toBe('linux');
    expect(image.description.architecture).toBe('amd64');
    expect(await entriesOf(image)).toEqual(expectedEntries);
  });

  it('reads by manifest digest and without a selector when there is one image', async () => {
    const [w] = await written;
    const byDigest = await imageSource(`oci:${layout}@${w!.manifestDigest}`).open();
    expect(byDigest.description.manifestDigest).toBe(w!.manifestDigest);
    const plain = await imageSource(`oci:${layout}`).open();
    expect(plain.description.layers).toHaveLength(3);
  });

  it('names the missing tag and lists what exists', async () => {
    await written;
    await expect(imageSource(`oci:${layout}:nope`).open()).rejects.toMatchObject({ code: 'E_IMAGE_NOT_FOUND', hint: 'available: v1' });
  });

  it('fails naming the blob when a layer does not match its digest', async () => {
    const [w] = await written;
    const copy = join(work, 'tampered');
    await writeOciLayout(copy, [{ ...spec, tag: 'v1' }]);
    const blob = join(copy, 'blobs', 'sha256', w!.layers[2]!.digest.slice(7));
    const bytes = readFileSync(blob);
    bytes[600] = (bytes[600]! + 1) % 256;
    writeFileSync(blob, bytes);
    const image = await imageSource(`oci:${copy}:v1`).open();
    await expect(entriesOf(image)).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH', message: expect.stringContaining(w!.layers[2]!.digest.slice(7)) });
  });

  it('reads the same image from an oci-archive', async () => {
    await written;
    const archive = join(work, 'image-oci.tar');
    tarDirectory(layout, archive);
    const image = await imageSource(`oci-archive:${archive}:v1`).open();
    expect(image.description.transport).toBe('oci-archive');
    expect(await entriesOf(image)).toEqual(expectedEntries);
  });
});

describe('image index', () => {
  const layout = join(work, 'multi');
  const written = writeOciLayout(
    layout,
    [
      { ...spec, tag: 'multi', architecture: 'amd64' },
      { layers: [{ entries: [{ path: 'arm', content: 'arm64' }] }], architecture: 'arm64' },
    ],
    true,
  );

  it('picks the host platform by default and another with --platform', async () => {
    await written;
    const host = await imageSource(`oci:${layout}:multi`).open();
    expect(host.description.architecture).toBe(process.arch === 'arm64' ? 'arm64' : 'amd64');
    const arm = await imageSource(`oci:${layout}:multi`).open({ platform: parsePlatform('linux/arm64') });
    expect(arm.description.architecture).toBe('arm64');
    expect(await entriesOf(arm)).toEqual([['file:arm=arm64']]);
  });

  it('lists the platforms that exist when the wanted one does not', async () => {
    await written;
    await expect(imageSource(`oci:${layout}:multi`).open({ platform: parsePlatform('linux/s390x') })).rejects.toMatchObject({
      code: 'E_PLATFORM',
      hint: expect.stringContaining('linux/amd64, linux/arm64'),
    });
  });
});

describe('docker-archive', () => {
  it.each(['legacy', 'oci'] as const)('reads the %s docker save layout, symlinked layer tars included', async (style) => {
    const file = join(work, `docker-${style}.tar`);
    const repeated: ImageSpec = { layers: [...spec.layers, spec.layers[1]!] };
    await writeDockerArchive(file, repeated, style);
    const image = await imageSource(`docker-archive:${file}`).open();
    expect(image.description.transport).toBe('docker-archive');
    expect(image.description.tags).toEqual(['grout/test:1']);
    expect(await entriesOf(image)).toEqual([...expectedEntries, expectedEntries[1]]);
  });

  it('selects an image by tag and refuses an unknown one', async () => {
    const file = join(work, 'docker-tag.tar');
    await writeDockerArchive(file, spec, 'legacy', 'example/app:2');
    expect((await imageSource(`docker-archive:${file}:example/app:2`).open()).description.tags).toEqual(['example/app:2']);
    await expect(imageSource(`docker-archive:${file}:other:1`).open()).rejects.toMatchObject({ code: 'E_IMAGE_NOT_FOUND' });
  });
});

describe('rootfs directory', () => {
  it('walks the tree as one layer, keeping symlinks as links', async () => {
    const root = join(work, 'rootfs');
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=alpine\n');
    writeFileSync(join(root, 'usr', 'bin', 'tool'), 'x');
    symlinkSync('usr/bin', join(root, 'bin'));
    const image = await imageSource(`rootfs:${root}`).open();
    expect(image.description.layers).toHaveLength(1);
    expect(await entriesOf(image)).toEqual([['symlink:bin', 'dir:etc', 'dir:usr', 'file:etc/os-release=ID=alpine\n', 'dir:usr/bin', 'file:usr/bin/tool=x']]);
  });

  it('reports a missing directory clearly', async () => {
    await expect(imageSource(`rootfs:${join(work, 'nope')}`).open()).rejects.toMatchObject({ code: 'E_IMAGE_NOT_FOUND' });
  });
});
