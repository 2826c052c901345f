import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CREATED_BY, DELETED_BEHIND_DPKG, EPOCH_AND_SOURCE, INSTALLED, PURGED, TAG, UNOWNED_FILE, debianTestImage, dpkgQuery } from './debian-image.js';

/**
 * Sanity checks of the harness itself, independent of grout: the image it builds is a well-formed 4-layer OCI
 * image whose layers are real diffs (whiteouts included), and its reference package list is what dpkg says.
 * grout's own checks against this image are in debian-image-scan.test.ts.
 */
const image = debianTestImage();

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

function readBlob(layout: string, digest: string): Buffer {
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  return readFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

async function manifestOf(): Promise<{ layout: string; layers: Descriptor[]; config: { rootfs: { diff_ids: string[] }; history: { created_by?: string }[] } }> {
  const { ociLayout: layout } = await image;
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === TAG);
  const manifest = JSON.parse(readBlob(layout, entry!.digest).toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  return { layout, layers: manifest.layers, config: JSON.parse(readBlob(layout, manifest.config.digest).toString('utf8')) };
}

/** Entry names of one gzip layer, without a leading `./`. */
function layerEntries(layout: string, layer: Descriptor): string[] {
  return gunzipTarList(join(layout, 'blobs', 'sha256', layer.digest.slice('sha256:'.length)));
}

function gunzipTarList(file: string): string[] {
  const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return listing.split('\n').filter(Boolean).map((name) => name.replace(/^\.\//, ''));
}

describe('the Debian test image harness', () => {
  it('writes an OCI layout whose index names the image and whose blobs match their digests', async () => {
    const { layout, layers, config } = await manifestOf();
    expect(JSON.parse(readFileSync(join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(layers).toHaveLength(4);
    for (const layer of layers) {
      expect(layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
      const blob = readBlob(layout, layer.digest);
      expect(blob.length).toBe(layer.size);
      expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(layer.digest);
    }
    // diff IDs are the digests of the uncompressed tars: the layers are what the config says they are.
    const diffIds = layers.map((l) => `sha256:${createHash('sha256').update(gunzipSync(readBlob(layout, l.digest))).digest('hex')}`);
    expect(config.rootfs.diff_ids).toEqual(diffIds);
    expect(config.history.map((h) => h.created_by)).toEqual(CREATED_BY);
  });

  it('records the purge as whiteouts in layer 3 and the deletions behind dpkg\'s back in layer 4', async () => {
    const { layout, layers } = await manifestOf();
    const purge = layerEntries(layout, layers[2]!);
    expect(purge).toContain(`usr/bin/.wh.${PURGED}`);
    expect(purge).toContain(`var/lib/dpkg/info/.wh.${PURGED}.list`);
    expect(purge).toContain('var/lib/dpkg/status');
    const behindDpkg = layerEntries(layout, layers[3]!);
    for (const path of DELETED_BEHIND_DPKG) {
      const slash = path.lastIndexOf('/');
      expect(behindDpkg).toContain(`${path.slice(0, slash)}/.wh.${path.slice(slash + 1)}`);
    }
    expect(behindDpkg).toContain(UNOWNED_FILE);
    // dpkg was not told: its database is not in that layer.
    expect(behindDpkg.filter((p) => p.startsWith('var/lib/dpkg/'))).toEqual([]);
  });

  it('keeps the final rootfs, agreeing with the layers', async () => {
    const { rootfs } = await image;
    expect(existsSync(join(rootfs, 'usr/bin', PURGED))).toBe(false);
    for (const path of DELETED_BEHIND_DPKG) expect(existsSync(join(rootfs, path)), path).toBe(false);
    expect(existsSync(join(rootfs, UNOWNED_FILE))).toBe(true);
    expect(existsSync(join(rootfs, 'usr/bin/curl'))).toBe(true);
  });

  it('lists the packages dpkg reports: sorted, the purged one gone, an epoch and a differing source kept', async () => {
    const { expectedDpkg, rootfs } = await image;
    expect(expectedDpkg).toEqual(dpkgQuery(rootfs));
    expect(expectedDpkg).toEqual([...expectedDpkg].sort());
    expect(expectedDpkg.length).toBeGreaterThan(100);
    const names = expectedDpkg.map((line) => line.split('\t')[0]);
    for (const line of expectedDpkg) expect(line.split('\t'), line).toHaveLength(5);
    expect(names).not.toContain(PURGED);
    for (const name of INSTALLED.filter((n) => n !== PURGED)) expect(names, name).toContain(name);
    const withEpoch = expectedDpkg.find((line) => line.startsWith(`${EPOCH_AND_SOURCE.name}\t`))?.split('\t');
    expect(withEpoch?.[1]).toMatch(/^\d+:/);
    expect(withEpoch?.[3]).toBe(EPOCH_AND_SOURCE.source);
  });

  it('writes the OCI archive and a docker-archive of the same layers', async () => {
    const { ociArchive, dockerArchive } = await image;
    const { layers } = await manifestOf();
    const oci = execFileSync('tar', ['-tf', ociArchive], { encoding: 'utf8' }).split('\n').map((n) => n.replace(/^\.\//, ''));
    expect(oci).toEqual(expect.arrayContaining(['index.json', 'oci-layout', ...layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`)]));
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', dockerArchive, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[]; Layers: string[] }[];
    expect(manifest).toHaveLength(1);
    // skopeo writes the tag fully qualified, where `docker save` would write grout/test:1.
    expect(manifest[0]!.RepoTags).toEqual(['docker.io/grout/test:1']);
    expect(manifest[0]!.Layers).toHaveLength(4);
  });
});
