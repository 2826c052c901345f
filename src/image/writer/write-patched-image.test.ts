import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer, writeDockerArchive, writeOciLayout } from '../../../test/fixtures/image-builder.js';
import { imageSource } from '../open-source.js';
import { readMergedFiles } from '../merged-files.js';
import { parseOutputReference, writePatchedImage, type PatchLayerBlob } from './index.js';

let dir: string;
let patch: PatchLayerBlob;
const created = new Date('2025-02-03T04:05:06.789Z');
const base = { layers: [{ entries: [{ path: 'etc/os-release', content: 'ID=debian\n' }, { path: 'bin/tool', content: 'v1' }] }, { entries: [{ path: 'app/x', content: 'x' }] }] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grout-writer-'));
  const layer = await buildLayer({ entries: [{ path: 'bin/tool', content: 'v2' }, { path: 'app/.wh.x', content: '' }] }, 9);
  const file = join(dir, 'patch.tgz');
  writeFileSync(file, layer.blob);
  patch = { file, diffId: layer.diffId, digest: layer.digest, size: layer.blob.length };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function files(reference: string): Promise<Record<string, string>> {
  const image = await imageSource(reference).open();
  const merged = await readMergedFiles(image, () => true);
  return Object.fromEntries([...merged].map(([k, v]) => [k, v.toString()]).sort());
}

describe('parseOutputReference', () => {
  it.each([
    ['oci:out', { format: 'oci', path: 'out' }],
    ['oci:out:v1', { format: 'oci', path: 'out', tag: 'v1' }],
    ['oci-archive:o.tar:v1', { format: 'oci-archive', path: 'o.tar', tag: 'v1' }],
    ['docker-archive:o.tar:app:fixed', { format: 'docker-archive', path: 'o.tar', tag: 'app:fixed' }],
    ['docker-archive:o.tar:app', { format: 'docker-archive', path: 'o.tar', tag: 'app:latest' }],
  ])('%s', (text, spec) => expect(parseOutputReference(text)).toEqual(spec));
  it.each([
    ['registry.example:5000/app', 'registry.example:5000/app:latest'],
    ['127.0.0.1:5000/team/app:patched', '127.0.0.1:5000/team/app:patched'],
    ['localhost/app:1', 'localhost/app:1'],
    ['docker://app:patched', 'docker.io/library/app:patched'],
    ['docker://me/app', 'docker.io/me/app:latest'],
  ])('%s is a registry output', (text, reference) => expect(parseOutputReference(text)).toMatchObject({ format: 'registry', reference }));
  it.each(['oci:', 'oci:dir:bad tag', 'app:patched', 'me/app:patched', './out', '/tmp/out', `127.0.0.1:5000/app@sha256:${'a'.repeat(64)}`, 'docker://Bad/Name'])('rejects %s', (text) =>
    expect(() => parseOutputReference(text)).toThrow(expect.objectContaining({ code: 'E_USAGE' })),
  );
  it.each(['./out', '../out', '/tmp/out'])('tells %s to name its format', (text) =>
    expect(() => parseOutputReference(text)).toThrow(expect.objectContaining({ message: `${text}: a path needs its format`, hint: expect.stringContaining(`oci:${text}`) })),
  );
});

describe('writePatchedImage', () => {
  it('from a legacy docker-archive to an OCI layout: layers untouched, config and manifest rewritten', async () => {
    const source = join(dir, 'legacy.tar');
    await writeDockerArchive(source, base, 'legacy', 'grout/app:1');
    const sourceBytes = readFileSync(source);
    const out = join(dir, 'from-legacy');
    const written = await writePatchedImage({ source: `docker-archive:${source}`, layer: patch, out: `oci:${out}:fixed`, summary: 'tool v2', created, groutVersion: '9.9.9' });
    expect(written.layerCount).toBe(3);
    expect(await files(`oci:${out}:fixed`)).toEqual({ 'bin/tool': 'v2', 'etc/os-release': 'ID=debian\n' });
    const manifest = JSON.parse(readFileSync(join(out, 'blobs/sha256', written.manifestDigest.slice(7)), 'utf8'));
    // A docker-archive has no manifest, so there is no base digest to name.
    expect(manifest.annotations).toEqual({ 'dev.grout.version': '9.9.9' });
    const config = JSON.parse(readFileSync(join(out, 'blobs/sha256', written.configDigest.slice(7)), 'utf8'));
    expect(config.created).toBe('2025-02-03T04:05:06Z');
    expect(config.history.at(-1)).toEqual({ created: '2025-02-03T04:05:06Z', created_by: 'grout fix: tool v2', comment: 'grout 9.9.9' });
    expect(config.rootfs.diff_ids.at(-1)).toBe(patch.diffId);
    expect(readFileSync(source).equals(sourceBytes)).toBe(true);
    execFileSync('skopeo', ['inspect', '--raw', `oci:${out}:fixed`]);
  });

  it('writes docker-archives skopeo reads, re-patches without stacking (history decides), and names the base', async () => {
    const layout = join(dir, 'layout');
    const [img] = await writeOciLayout(layout, [{ ...base, tag: 'v1' }]);
    const first = join(dir, 'first.tar');
    const w1 = await writePatchedImage({ source: `oci:${layout}:v1`, layer: patch, out: `docker-archive:${first}:grout/app:patched`, summary: 'one', created, groutVersion: '1' });
    expect(w1.tag).toBe('grout/app:patched');
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${first}`], { encoding: 'utf8' }));
    expect(inspected.Layers).toHaveLength(3);
    expect(await files(`docker-archive:${first}`)).toEqual({ 'bin/tool': 'v2', 'etc/os-release': 'ID=debian\n' });
    const second = join(dir, 'second.tar');
    const w2 = await writePatchedImage({ source: `docker-archive:${first}`, layer: patch, out: `oci-archive:${second}:v2`, summary: 'two', created, groutVersion: '1' });
    expect(w2.replacedPatchLayer).toBe(true);
    expect(w2.layerCount).toBe(3);
    const image = await imageSource(`oci-archive:${second}:v2`).open();
    expect(image.description.layers.map((l) => l.createdBy)).toEqual(['/bin/sh -c #(nop) layer 0', '/bin/sh -c #(nop) layer 1', 'grout fix: two']);
    // The OCI output of an OCI source names the source manifest as the base.
    const third = join(dir, 'third');
    const w3 = await writePatchedImage({ source: `oci:${layout}:v1`, layer: patch, out: `oci:${third}`, summary: 'three', created, groutVersion: '1' });
    const manifest = JSON.parse(readFileSync(join(third, 'blobs/sha256', w3.manifestDigest.slice(7)), 'utf8'));
    expect(manifest.annotations['org.opencontainers.image.base.digest']).toBe(img!.manifestDigest);
    expect(await files(`oci:${third}:v1`)).toEqual({ 'bin/tool': 'v2', 'etc/os-release': 'ID=debian\n' });
  });

  it('replaces an existing output directory only when the new image is complete, and refuses its input', async () => {
    const layout = join(dir, 'layout-2');
    await writeOciLayout(layout, [{ ...base, tag: 'v1' }]);
    const out = join(dir, 'replaced');
    await writePatchedImage({ source: `oci:${layout}:v1`, layer: patch, out: `oci:${out}:a`, summary: 'a', created, groutVersion: '1' });
    await writePatchedImage({ source: `oci:${layout}:v1`, layer: patch, out: `oci:${out}:b`, summary: 'b', created, groutVersion: '1' });
    expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('b');
    await expect(writePatchedImage({ source: `oci:${layout}:v1`, layer: patch, out: `oci:${layout}/inside`, summary: 'x', created, groutVersion: '1' })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(writePatchedImage({ source: `oci:${layout}:v1`, layer: { ...patch, size: 1 }, out: `oci:${join(dir, 'never')}`, summary: 'x', created, groutVersion: '1' })).rejects.toMatchObject({ code: 'E_INTERNAL' });
    expect(() => readFileSync(join(dir, 'never', 'index.json'))).toThrow();
  });
});
