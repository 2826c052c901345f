import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256, tarDirectory, tarOf, tempDir, writeOciLayout } from '../../test/fixtures/image-builder.js';
import { imageSource, type LayerEntry, type LayerEntryProblem, type OpenedImage } from './index.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function drain(image: OpenedImage): Promise<(LayerEntry | LayerEntryProblem)[]> {
  const out: (LayerEntry | LayerEntryProblem)[] = [];
  for (const layer of image.layers) for await (const e of layer.entries()) out.push(e);
  return out;
}

/** A layout with one image whose first layer blob is replaced by `blob` (manifest digests fixed up to match). */
async function layoutWithBlob(name: string, blob: Buffer, mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'): Promise<string> {
  const dir = join(work, name);
  const [w] = await writeOciLayout(dir, [{ layers: [{ entries: [{ path: 'a', content: 'a' }] }], tag: 't' }]);
  const digest = sha256(blob);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), blob);
  const manifest = JSON.parse(w!.manifest.toString());
  manifest.layers[0] = { mediaType, digest, size: blob.length };
  const config = JSON.parse(w!.config.toString());
  config.rootfs.diff_ids[0] = digest;
  const configBytes = Buffer.from(JSON.stringify(config));
  writeFileSync(join(dir, 'blobs', 'sha256', sha256(configBytes).slice(7)), configBytes);
  manifest.config.digest = sha256(configBytes);
  manifest.config.size = configBytes.length;
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  writeFileSync(join(dir, 'blobs', 'sha256', sha256(manifestBytes).slice(7)), manifestBytes);
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifestBytes), size: manifestBytes.length, annotations: { 'org.opencontainers.image.ref.name': 't' } }] }));
  return dir;
}

describe('hostile or broken images', () => {
  it('names the layer of a corrupt gzip stream', async () => {
    const good = execFileSync('gzip', ['-c'], { input: await tarOf([{ path: 'f', content: 'x'.repeat(5000) }]) });
    const corrupt = Buffer.from(good);
    for (let i = 20; i < 60; i++) corrupt[i] = 0x55;
    const dir = await layoutWithBlob('corrupt-gzip', corrupt);
    const image = await imageSource(`oci:${dir}:t`).open();
    await expect(drain(image)).rejects.toMatchObject({ code: 'E_LAYER_FORMAT', message: expect.stringContaining(sha256(corrupt).slice(7)) });
  });

  it('names the layer of a truncated tar', async () => {
    const tar = await tarOf([{ path: 'f', content: 'x'.repeat(5000) }, { path: 'g', content: 'y' }]);
    const dir = await layoutWithBlob('truncated', tar.subarray(0, 1500), 'application/vnd.oci.image.layer.v1.tar');
    const image = await imageSource(`oci:${dir}:t`).open();
    await expect(drain(image)).rejects.toMatchObject({ code: 'E_LAYER_FORMAT', message: expect.stringMatching(/cannot read layer/) });
  });

  it('skips an entry that climbs out with ../ as a problem, normalises absolute names, and reads the rest', async () => {
    const tar = await tarOf([
      { path: '../../etc/evil', content: 'x' },
      { path: '/etc/absolute', content: 'abs' },
      { path: 'ok', content: 'fine' },
      { path: 'hl', type: 'hardlink', target: '../outside' },
    ]);
    const dir = await layoutWithBlob('traversal', tar, 'application/vnd.oci.image.layer.v1.tar');
    const entries = await drain(await imageSource(`oci:${dir}:t`).open());
    expect(entries.map((e) => `${e.kind}:${e.path}`)).toEqual(['problem:../../etc/evil', 'node:etc/absolute', 'node:ok', 'problem:hl']);
  });

  it('passes over a huge sparse file without reading or buffering it', async () => {
    const src = join(work, 'sparse-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'huge'), '');
    truncateSync(join(src, 'huge'), 64 * 1024 * 1024 * 1024);
    writeFileSync(join(src, 'after'), 'after');
    const tarFile = join(work, 'sparse.tar');
    execFileSync('tar', ['--sparse', '--format=gnu', '-C', src, '-cf', tarFile, 'huge', 'after']);
    const dir = await layoutWithBlob('sparse', readFileSync(tarFile), 'application/vnd.oci.image.layer.v1.tar');
    const entries = await drain(await imageSource(`oci:${dir}:t`).open());
    expect(entries.map((e) => `${e.kind}:${e.path}`)).toEqual(['node:huge', 'node:after']);
  });

  it('rejects a manifest that is not JSON, naming the file', async () => {
    const dir = join(work, 'not-json');
    const [w] = await writeOciLayout(dir, [{ layers: [{ entries: [{ path: 'a', content: 'a' }] }], tag: 't' }]);
    writeFileSync(join(dir, 'index.json'), '{"manifests": [');
    await expect(imageSource(`oci:${dir}:t`).open()).rejects.toMatchObject({ code: 'E_IMAGE_FORMAT', message: expect.stringMatching(/index\.json is not valid JSON/) });
    expect(w).toBeDefined();
  });

  it('rejects a config that points to a missing blob', async () => {
    const dir = join(work, 'missing-config');
    const [w] = await writeOciLayout(dir, [{ layers: [{ entries: [{ path: 'a', content: 'a' }] }], tag: 't' }]);
    rmSync(join(dir, 'blobs', 'sha256', sha256(w!.config).slice(7)));
    await expect(imageSource(`oci:${dir}:t`).open()).rejects.toMatchObject({ code: 'E_IMAGE_FORMAT', message: expect.stringMatching(/is missing/) });
  });

  it('rejects a docker-archive without manifest.json and a file that is no tar at all', async () => {
    const src = join(work, 'empty-archive');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'x'), 'x');
    const file = join(work, 'no-manifest.tar');
    tarDirectory(src, file);
    await expect(imageSource(`docker-archive:${file}`).open()).rejects.toMatchObject({ code: 'E_IMAGE_FORMAT', message: expect.stringMatching(/manifest\.json is missing/) });
    const junk = join(work, 'junk.tar');
    writeFileSync(junk, Buffer.alloc(4096, 7));
    await expect(imageSource(`docker-archive:${junk}`).open()).rejects.toMatchObject({ code: 'E_IMAGE_FORMAT', message: expect.stringMatching(/not a valid tar archive/) });
  });

  it('refuses a layout whose manifest blob was altered', async () => {
    const dir = join(work, 'altered-manifest');
    const [w] = await writeOciLayout(dir, [{ layers: [{ entries: [{ path: 'a', content: 'a' }] }], tag: 't' }]);
    writeFileSync(join(dir, 'blobs', 'sha256', w!.manifestDigest.slice(7)), w!.manifest.toString().replace('"schemaVersion":2', '"schemaVersion": 2'));
    await expect(imageSource(`oci:${dir}:t`).open()).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
  });
});
