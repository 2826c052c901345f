import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout, writeDockerArchive, type ImageSpec } from '../../test/fixtures/image-builder.js';
import { debianTestImage, TAG } from '../../test/images/debian-image.js';
import { debianLangImage, LANG_TAG } from '../../test/images/debian-lang-image.js';
import { LayerCache, layerCacheDir, listLayerCache } from '../cache/layer-cache.js';
import type { ProgressEvent } from '../core/events.js';
import { imageSource, type OpenedImage } from '../image/index.js';
import { encodeInventory, SBOM_FORMATS } from '../scan/index.js';
import { catalogImage, defaultLayerConcurrency, type CatalogOptions } from './catalog.js';
import type { AnyExtractor, FileExtractor } from './extractor.js';
import { defaultExtractors } from './extractors/index.js';
import { dpkgExtractor } from './extractors/os/dpkg/index.js';

const work = tempDir('grout-layer-results-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

let roots = 0;
function freshCache(): LayerCache {
  return new LayerCache({ root: join(work, `cache-${roots++}`) });
}

/** Open an image and count how often each layer is streamed. */
async function openCounting(reference: string): Promise<{ image: OpenedImage; reads: number[] }> {
  const opened = await imageSource(reference).open();
  const reads = opened.layers.map(() => 0);
  const image: OpenedImage = {
    ...opened,
    layers: opened.layers.map((layer, i) => ({
      ref: layer.ref,
      entries: (signal?: AbortSignal) => {
        reads[i]!++;
        return layer.entries(signal);
      },
    })),
  };
  return { image, reads };
}

interface Run {
  json: string;
  outputs: string[];
  reads: number[];
  events: ProgressEvent[];
}

async function catalog(reference: string, options: Partial<CatalogOptions>): Promise<Run> {
  const { image, reads } = await openCounting(reference);
  const events: ProgressEvent[] = [];
  try {
    const inv = await catalogImage(image, { extractors: defaultExtractors, onProgress: (e) => events.push(e), ...options });
    return { json: JSON.stringify(inv), outputs: SBOM_FORMATS.map((f) => encodeInventory(inv, f)), reads, events };
  } finally {
    await image.close();
  }
}

function stanza(name: string, version: string): string {
  return `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nMaintainer: Someone <s@example.org>\nDescription: ${name}\n`;
}

const marker = (version: number): FileExtractor => ({
  name: 'test/marker',
  version,
  maxFileBytes: 1024,
  wants: (path) => path.endsWith('.marker'),
  extractFile: (file) => [{ ecosystem: 'npm', name: file.bytes.toString().trim(), version: `${version}.0`, licenses: [], evidence: file.path }],
});

const small: ImageSpec = {
  layers: [
    {
      entries: [
        { path: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { path: 'var/lib/dpkg/status', content: stanza('base-files', '12.4') },
        { path: 'var/lib/dpkg/info/base-files.list', content: '/usr/lib/os-release\n' },
        { path: 'usr/bin/tool', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
        { path: 'opt/a.marker', content: 'alpha' },
        { path: 'opt/big.marker', content: 'x'.repeat(2000) },
      ],
    },
    {
      entries: [
        { path: 'var/lib/dpkg/status', content: `${stanza('base-files', '12.4')}\n${stanza('curl', '7.88')}` },
        { path: 'usr/bin/curl', content: '#!/bin/sh\ncurl\n', mode: 0o755 },
        { path: 'opt/.wh.a.marker', content: '' },
        { path: 'opt/b.marker', content: 'beta' },
      ],
    },
  ],
};

describe('the per-layer result cache in the catalog', () => {
  const layout = join(work, 'small');
  const written = writeOciLayout(layout, [{ ...small, tag: 't' }]);
  const ref = `oci:${layout}:t`;

  it('reads no layer on a rescan and gives the same inventory, saying which layers came from the cache', async () => {
    await written;
    const cache = freshCache();
    const cold = await catalog(ref, { layerResults: cache });
    expect(cold.reads).toEqual([1, 1]);
    expect(cold.events.filter((e) => e.type === 'layer-done').map((e) => 'cached' in e)).toEqual([false, false]);
    const warm = await catalog(ref, { layerResults: cache });
    expect(warm.reads).toEqual([0, 0]);
    // Layers are read concurrently, so they finish in any order: compare in layer order.
    const done = warm.events.filter((e) => e.type === 'layer-done').sort((a, b) => (a.type === 'layer-done' && b.type === 'layer-done' ? a.index - b.index : 0));
    expect(done).toEqual([
      expect.objectContaining({ index: 0, cached: true }),
      expect.objectContaining({ index: 1, cached: true }),
    ]);
    expect(warm.json).toBe(cold.json);
    expect(warm.outputs).toEqual(cold.outputs);
    // And the same as with no cache at all.
    expect((await catalog(ref, {})).json).toBe(cold.json);
    expect(JSON.parse(cold.json).packages.map((p: { name: string }) => p.name)).toEqual(['base-files', 'curl']);
  });

  it('shares a layer between images, with issues stamped for the position it has in each', async () => {
    await written;
    const cache = freshCache();
    const other = join(work, 'shifted');
    // The same top layer, now third.
    await writeOciLayout(other, [{ tag: 't', layers: [{ entries: [{ path: 'etc/hostname', content: 'x' }] }, ...small.layers] }]);
    await catalog(ref, { layerResults: cache, extractors: [...defaultExtractors, marker(1)] });
    const shifted = await catalog(`oci:${other}:t`, { layerResults: cache, extractors: [...defaultExtractors, marker(1)] });
    expect(shifted.reads).toEqual([1, 0, 0]);
    const fresh = await catalog(`oci:${other}:t`, { extractors: [...defaultExtractors, marker(1)] });
    expect(shifted.json).toBe(fresh.json);
    const issues = JSON.parse(shifted.json).issues as { path: string; layer?: number }[];
    expect(issues.find((i) => i.path === 'opt/big.marker')?.layer).toBe(1);
  });

  it('misses exactly the results a new extractor version used, and keeps the others', async () => {
    await written;
    const cache = freshCache();
    const withMarker = (v: number): AnyExtractor[] => [dpkgExtractor, marker(v)];
    await catalog(ref, { layerResults: cache, extractors: withMarker(1) });
    await catalog(ref, { layerResults: cache, extractors: [dpkgExtractor] });
    expect((await listLayerCache(join(cache.dir, '..'))).entries).toHaveLength(4);

    const bumped = await catalog(ref, { layerResults: cache, extractors: withMarker(2) });
    expect(bumped.reads).toEqual([1, 1]);
    expect(JSON.parse(bumped.json).packages.filter((p: { ecosystem: string }) => p.ecosystem === 'npm').map((p: { version: string }) => p.version)).toEqual(['2.0']);
    expect((await catalog(ref, { layerResults: cache, extractors: [dpkgExtractor] })).reads).toEqual([0, 0]);
    expect((await catalog(ref, { layerResults: cache, extractors: withMarker(1) })).reads).toEqual([0, 0]);
    expect((await catalog(ref, { layerResults: cache, extractors: withMarker(2) })).reads).toEqual([0, 0]);
    // The executables flag is part of the key too.
    expect((await catalog(ref, { layerResults: cache, extractors: [dpkgExtractor], executables: false })).reads).toEqual([1, 1]);
  });

  it('reads a layer afresh when its entry is damaged, and stores it again', async () => {
    await written;
    const cache = freshCache();
    const cold = await catalog(ref, { layerResults: cache });
    const { entries } = await listLayerCache(join(cache.dir, '..'));
    expect(entries).toHaveLength(2);
    writeFileSync(entries[0]!.path, 'garbage');
    const again = await catalog(ref, { layerResults: cache });
    expect(again.reads.reduce((a, b) => a + b)).toBe(1);
    expect(again.json).toBe(cold.json);
    expect((await catalog(ref, { layerResults: cache })).reads).toEqual([0, 0]);
  });

  it('never caches a root file system directory: its content can change', async () => {
    const rootfs = join(work, 'rootfs');
    mkdirSync(join(rootfs, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(join(rootfs, 'var/lib/dpkg/status'), stanza('base-files', '12.4'));
    const cache = freshCache();
    await catalog(`rootfs:${rootfs}`, { layerResults: cache });
    writeFileSync(join(rootfs, 'var/lib/dpkg/status'), `${stanza('base-files', '12.4')}\n${stanza('curl', '7.88')}`);
    const second = await catalog(`rootfs:${rootfs}`, { layerResults: cache });
    expect(second.reads).toEqual([1]);
    expect(JSON.parse(second.json).packages).toHaveLength(2);
    expect(existsSync(join(cache.dir, '..'))).toBe(false);
  });

  it('keys results by blob digest too: a docker-archive of the same layers does not reuse OCI layout results', async () => {
    await written;
    const cache = freshCache();
    await catalog(ref, { layerResults: cache });
    const archive = join(work, 'small.tar');
    await writeDockerArchive(archive, small, 'legacy');
    const fromArchive = await catalog(`docker-archive:${archive}`, { layerResults: cache });
    expect(fromArchive.reads).toEqual([1, 1]);
    expect((await catalog(`docker-archive:${archive}`, { layerResults: cache })).reads).toEqual([0, 0]);
    // Same diffIds: one directory per layer, two results in each.
    expect(readdirSync(cache.dir)).toHaveLength(2);
  });

  it('reads min(4, CPUs) layers at a time by default', () => {
    expect(defaultLayerConcurrency()).toBeGreaterThanOrEqual(1);
    expect(defaultLayerConcurrency()).toBeLessThanOrEqual(4);
  });
});

describe('cached layers of real Debian images give byte-identical output in every format', () => {
  const cases: [string, () => Promise<string>][] = [
    ['the layered Debian test image (OCI layout)', async () => `oci:${(await debianTestImage()).ociLayout}:${TAG}`],
    ['the layered Debian test image (docker-archive)', async () => `docker-archive:${(await debianTestImage()).dockerArchive}`],
    ['the Debian image with npm and pip packages', async () => `oci:${(await debianLangImage()).ociLayout}:${LANG_TAG}`],
  ];
  for (const [name, reference] of cases) {
    it(name, async () => {
      const ref = await reference();
      const cache = freshCache();
      const cold = await catalog(ref, { layerResults: cache });
      const warm = await catalog(ref, { layerResults: cache });
      expect(warm.reads.every((r) => r === 0)).toBe(true);
      expect(cold.reads.every((r) => r === 1)).toBe(true);
      expect(warm.json === cold.json).toBe(true);
      SBOM_FORMATS.forEach((format, i) => expect(warm.outputs[i] === cold.outputs[i], format).toBe(true));
      const uncached = await catalog(ref, {});
      expect(uncached.json === cold.json).toBe(true);
      rmSync(layerCacheDir(join(cache.dir, '..')), { recursive: true, force: true });
    }, 600_000);
  }
});
