import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeDockerArchive, writeOciLayout, type ImageSpec } from '../../test/fixtures/image-builder.js';
import { GroutError } from '../core/errors.js';
import { debianTestImage, TAG } from '../../test/images/debian-image.js';
import { debianLangImage, LANG_TAG } from '../../test/images/debian-lang-image.js';
import { InventoryCache, inventoryCacheDir } from '../cache/inventory-cache.js';
import { LayerCache, layerCacheDir } from '../cache/layer-cache.js';
import type { ProgressEvent } from '../core/events.js';
import type { ImageDescription, Inventory } from '../core/model.js';
import { imageSource, type OpenedImage } from '../image/index.js';
import { encodeInventory, SBOM_FORMATS } from '../scan/index.js';
import { catalogImage, type CatalogOptions } from './catalog.js';
import type { FileExtractor } from './extractor.js';
import { defaultExtractors } from './extractors/index.js';
import { dpkgExtractor } from './extractors/os/dpkg/index.js';
import { decodeInventoryPayload, encodeInventoryPayload, InventoryCodecError } from './inventory-codec.js';
import { inventoryResultKey } from './inventory-results.js';
import { unownedExecutableFiles } from './file-subsets.js';

const work = tempDir('grout-inventory-results-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

let roots = 0;
function freshStores(): { layerResults: LayerCache; inventoryResults: InventoryCache; root: string } {
  const root = join(work, `cache-${roots++}`);
  return { root, layerResults: new LayerCache({ root }), inventoryResults: new InventoryCache(root) };
}

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
        { path: 'var/lib/dpkg/info/base-files.list', content: '/usr/lib/os-release\n/usr/bin/tool\n/usr/share/doc/gone\n' },
        { path: 'usr/bin/tool', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
        { path: 'opt/a.marker', content: 'alpha' },
        { path: 'opt/big.marker', content: 'x'.repeat(2000) },
      ],
    },
    {
      entries: [
        { path: 'var/lib/dpkg/status', content: `${stanza('base-files', '12.4')}\n${stanza('curl', '7.88')}` },
        { path: 'var/lib/dpkg/info/curl.list', content: '/usr/bin/curl\n' },
        { path: 'usr/bin/curl', content: '#!/bin/sh\ncurl\n', mode: 0o755 },
        { path: 'opt/.wh.a.marker', content: '' },
        { path: 'opt/b.marker', content: 'beta' },
      ],
    },
  ],
};

describe('the inventory codec', () => {
  const layout = join(work, 'codec');
  const written = writeOciLayout(layout, [{ ...small, tag: 't' }]);

  it('gives back the inventory it was given, keys in the same order, with the description supplied', async () => {
    await written;
    const { image } = await openCounting(`oci:${layout}:t`);
    const inv = await catalogImage(image, { extractors: [...defaultExtractors, marker(1)] });
    await image.close();
    expect(inv.files.length).toBeGreaterThan(0);
    const back = decodeInventoryPayload(Buffer.concat(encodeInventoryPayload(inv)), inv.image);
    expect(JSON.stringify(back)).toBe(JSON.stringify(inv));
    expect(back).toEqual(inv);
    const other: ImageDescription = { ...inv.image, reference: 'elsewhere', tags: ['x'] };
    expect(decodeInventoryPayload(Buffer.concat(encodeInventoryPayload(inv)), other).image).toBe(other);
  });

  it('keeps a package path that no file record has, and every shape of file record', () => {
    const image: ImageDescription = { reference: 'r', transport: 'oci', tags: [], layers: [], labels: {} };
    const inv = {
      image,
      packages: [{ id: 'p', ecosystem: 'npm' as const, name: 'p', version: '1', purl: 'pkg:npm/p@1', licenses: [], foundBy: 'x@1', locations: [], files: ['a', 'not-a-record'] }],
      files: [
        { path: 'a', layer: 0, size: 1, mode: 0o644, type: 'file' as const, owners: ['p'] },
        { path: 'b', layer: 1, size: 0, mode: 0o777, type: 'symlink' as const, linkTarget: 'a', owners: [], sha256: 'f'.repeat(64) },
      ],
      relationships: [],
      issues: [{ path: 'a', stage: 's', reason: 'r' }],
      extractors: ['x@1'],
      distro: { id: 'debian', source: 'etc/os-release' },
    };
    expect(JSON.stringify(decodeInventoryPayload(Buffer.concat(encodeInventoryPayload(inv)), image))).toBe(JSON.stringify(inv));
  });

  it('encodes many files a chunk at a time', () => {
    const image: ImageDescription = { reference: 'r', transport: 'oci', tags: [], layers: [], labels: {} };
    const files = Array.from({ length: 4500 }, (_, i) => ({ path: `f/${i}`, layer: 0, size: i, mode: 0o644, type: 'file' as const, owners: i % 2 ? ['p'] : [] }));
    const inv = {
      image,
      packages: [{ id: 'p', ecosystem: 'npm' as const, name: 'p', version: '1', purl: 'pkg:npm/p@1', licenses: [], foundBy: 'x@1', locations: [], files: files.filter((_, i) => i % 2).map((f) => f.path) }],
      files,
      relationships: [],
      issues: [],
      extractors: ['x@1'],
    };
    const chunks = encodeInventoryPayload(inv);
    expect(chunks.length).toBeGreaterThan(3);
    expect(JSON.stringify(decodeInventoryPayload(Buffer.concat(chunks), image))).toBe(JSON.stringify(inv));
  });

  it('refuses what it did not write, with its own error and nothing else', () => {
    const image: ImageDescription = { reference: 'r', transport: 'oci', tags: [], layers: [], labels: {} };
    const bad = [
      '',
      'not json',
      'null',
      '[]',
      '{"format":99}',
      '{"format":1,"keys":["image","files","packages","relationships","issues","extractors"],"shapes":[["path"]],"files":[[7,"a"]],"packages":[],"rest":{"relationships":[],"issues":[],"extractors":[]}}',
      '{"format":1,"keys":["image","files","packages","relationships","issues","extractors"],"shapes":[],"files":[],"packages":[{"files":[3]}],"rest":{"relationships":[],"issues":[],"extractors":[]}}',
      '{"format":1,"keys":["image","files","packages"],"shapes":[],"files":[],"packages":[],"rest":{}}',
      '{"format":1,"keys":["image","files","packages","relationships","issues","extractors"],"shapes":[],"files":[],"packages":[null],"rest":{}}',
    ];
    for (const text of bad) expect(() => decodeInventoryPayload(Buffer.from(text), image), text).toThrow(InventoryCodecError);
  });

  const oddValues = (): Inventory => {
    const image: ImageDescription = { reference: 'r', transport: 'oci', tags: [], layers: [], labels: {} };
    return {
      image,
      packages: [
        { id: 'p', ecosystem: 'npm', name: 'p', version: '1', purl: 'pkg:npm/p@1', licenses: [], foundBy: 'x@1', locations: [], files: ['usr/share/doc/café', 'b'] },
        { id: 'q', ecosystem: 'npm', name: 'q', version: '1', purl: 'pkg:npm/q@1', licenses: [], foundBy: 'x@1', locations: [], files: ['b'] },
      ],
      files: [
        // Not ASCII, a lone surrogate, a size past 2^32, more than one owner and digest, an owner that is no package.
        { path: 'usr/share/doc/café', layer: 0, size: 2 ** 40 + 3, mode: 0o644, type: 'file', owners: ['p'], digests: [{ algorithm: 'md5', value: 'ab' }, { algorithm: 'sha256', value: 'cd' }] },
        { path: 'b', layer: 1, size: 0, mode: 0o777, type: 'symlink', linkTarget: 'x\ud800y', owners: ['p', 'q'] },
        { path: 'c\u00e9\u{1f600}', layer: 0, size: 1.5, mode: -1, type: 'file', owners: ['gone'], sha256: '0'.repeat(64), executable: { format: 'elf', elfType: 'executable', machine: 'x86-64' } },
      ],
      relationships: [],
      issues: [],
      extractors: ['x@1'],
    };
  };

  it('keeps values the columns cannot hold exactly: non-ASCII text, lone surrogates, large and odd numbers, unknown owners', () => {
    const inv = oddValues();
    const back = decodeInventoryPayload(Buffer.concat(encodeInventoryPayload(inv)), inv.image);
    expect(JSON.stringify(back)).toBe(JSON.stringify(inv));
    expect(back).toEqual(inv);
  });

  it('builds the file records only when read, and gives the unowned executables without them', () => {
    const inv = oddValues();
    inv.files.push(
      { path: 'usr/local/bin/tool', layer: 1, size: 9, mode: 0o755, type: 'file', owners: [], sha256: '1'.repeat(64), executable: { format: 'elf', elfType: 'executable', machine: 'x86-64' } },
      { path: 'usr/local/bin/a-script', layer: 1, size: 9, mode: 0o755, type: 'file', owners: [], executable: { format: 'script', interpreter: '/bin/sh' } },
      { path: 'usr/local/share/data', layer: 1, size: 9, mode: 0o644, type: 'file', owners: [] },
    );
    const back = decodeInventoryPayload(Buffer.concat(encodeInventoryPayload(inv)), inv.image);
    const files = Object.getOwnPropertyDescriptor(back, 'files')!;
    expect(files.get).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(back.packages[0]!, 'files')!.get).toBeDefined();
    const unowned = unownedExecutableFiles(back);
    // Read without building the records.
    expect(Object.getOwnPropertyDescriptor(back, 'files')!.get).toBeDefined();
    expect(unowned).toEqual(inv.files.filter((f) => f.owners.length === 0 && f.executable !== undefined));
    expect(unowned.map((f) => f.path)).toEqual(['usr/local/bin/tool', 'usr/local/bin/a-script']);
    // Keys stay in place, and once read the records are a plain property.
    expect(Object.keys(back)).toEqual(Object.keys(inv));
    expect(Object.keys(back.packages[0]!)).toEqual(Object.keys(inv.packages[0]!));
    expect(back.files).toEqual(inv.files);
    expect(Object.getOwnPropertyDescriptor(back, 'files')!.value).toBe(back.files);
    expect(JSON.stringify(back)).toBe(JSON.stringify(inv));
    // An inventory built by the catalog is filtered as it stands.
    expect(unownedExecutableFiles(inv)).toEqual(unowned);
  });

  it('refuses a payload cut short or with any one byte changed, with its own error, never a wrong inventory', () => {
    const inv = oddValues();
    const payload = Buffer.concat(encodeInventoryPayload(inv));
    const whole = (i: Inventory): string => JSON.stringify({ i, unowned: unownedExecutableFiles(i) });
    const expected = whole(inv);
    for (let cut = 0; cut < payload.length; cut++) {
      expect(() => decodeInventoryPayload(payload.subarray(0, cut), inv.image)).toThrow(InventoryCodecError);
    }
    for (let at = 0; at < payload.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(payload);
        bad[at]! ^= flip;
        let back: Inventory | undefined;
        try {
          back = decodeInventoryPayload(bad, inv.image);
        } catch (err) {
          expect(err).toBeInstanceOf(InventoryCodecError);
          continue;
        }
        // What CycloneDX, the table and `scan` read never needs the records.
        expect(() => unownedExecutableFiles(back)).not.toThrow();
        // The file records are built when first read, after their number stream is checked whole: a layout that
        // went wrong fails there, naming the cache and how to clear it (the cache's CRC-32 stops a damaged entry
        // before it is decoded at all).
        let text: string;
        try {
          text = whole(back);
        } catch (err) {
          expect(err).toBeInstanceOf(GroutError);
          expect((err as GroutError).hint).toMatch(/grout cache clean/);
          continue;
        }
        // A changed byte inside a string or a number can still decode (the cache's checksum catches those);
        // the layout itself never goes wrong silently: the records and packages are all there.
        expect(back.files).toHaveLength(inv.files.length);
        expect(text).not.toBe(expected);
      }
    }
  });
});

describe('inventoryResultKey', () => {
  const layer = (c: string, index: number) => ({ index, diffId: `sha256:${c.repeat(64)}`, digest: `sha256:${'0'.repeat(63)}${c}` });
  const image: ImageDescription = {
    reference: 'oci:x',
    transport: 'oci',
    tags: [],
    configDigest: `sha256:${'c'.repeat(64)}`,
    layers: [layer('a', 0), layer('b', 1)],
    labels: {},
  };

  it('names the layers in order, the config, the pass fingerprint and the salt', () => {
    const key = inventoryResultKey('fp', image, 'grout 1')!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(inventoryResultKey('fp', { ...image, reference: 'elsewhere', tags: ['t'] }, 'grout 1')).toBe(key);
    expect(inventoryResultKey('fp2', image, 'grout 1')).not.toBe(key);
    expect(inventoryResultKey('fp', image, 'grout 2')).not.toBe(key);
    expect(inventoryResultKey('fp', { ...image, configDigest: `sha256:${'d'.repeat(64)}` }, 'grout 1')).not.toBe(key);
    expect(inventoryResultKey('fp', { ...image, layers: [layer('b', 0), layer('a', 1)] }, 'grout 1')).not.toBe(key);
    expect(inventoryResultKey('fp', { ...image, layers: [{ ...layer('a', 0), digest: `sha256:${'e'.repeat(64)}` }, layer('b', 1)] }, 'grout 1')).not.toBe(key);
  });

  it('is undefined for what must not be cached', () => {
    expect(inventoryResultKey('fp', { ...image, transport: 'rootfs' }, '')).toBeUndefined();
    const { configDigest: _, ...noConfig } = image;
    expect(inventoryResultKey('fp', noConfig, '')).toBeUndefined();
    expect(inventoryResultKey('fp', { ...image, layers: [] }, '')).toBeUndefined();
    expect(inventoryResultKey('fp', { ...image, layers: [{ index: 0, diffId: 'sha256:short' }] }, '')).toBeUndefined();
  });
});

describe('the image inventory cache in the catalog', () => {
  const layout = join(work, 'small');
  const written = writeOciLayout(layout, [
    { ...small, tag: 't' },
    { ...small, tag: 'other-tag' },
  ]);
  const ref = `oci:${layout}:t`;

  it('reads no layer and merges nothing on a rescan, and gives the same inventory as the layer cache and no cache', async () => {
    await written;
    const stores = freshStores();
    const cold = await catalog(ref, stores);
    expect(cold.reads).toEqual([1, 1]);
    expect(readdirSync(inventoryCacheDir(stores.root))).toHaveLength(1);
    // Without its layer results, a hit still needs no layer.
    rmSync(layerCacheDir(stores.root), { recursive: true, force: true });
    const warm = await catalog(ref, stores);
    expect(warm.reads).toEqual([0, 0]);
    expect(warm.events.filter((e) => e.type === 'layer-done')).toEqual([
      expect.objectContaining({ index: 0, cached: true }),
      expect.objectContaining({ index: 1, cached: true }),
    ]);
    expect(warm.json).toBe(cold.json);
    expect(warm.outputs).toEqual(cold.outputs);
    expect((await catalog(ref, {})).json).toBe(cold.json);
    expect((await catalog(ref, { layerResults: stores.layerResults })).json).toBe(cold.json);
  });

  it('gives a second reference to the same image its own description', async () => {
    await written;
    const stores = freshStores();
    await catalog(ref, stores);
    const second = await catalog(`oci:${layout}:other-tag`, stores);
    expect(second.reads).toEqual([0, 0]);
    expect(second.json).toBe((await catalog(`oci:${layout}:other-tag`, {})).json);
    expect(JSON.parse(second.json).image.reference).toBe(`oci:${layout}:other-tag`);
  });

  it('misses when an extractor version, the executables flag or the salt changes', async () => {
    await written;
    const stores = freshStores();
    const only = { inventoryResults: stores.inventoryResults };
    await catalog(ref, { ...only, extractors: [dpkgExtractor, marker(1)] });
    expect((await catalog(ref, { ...only, extractors: [dpkgExtractor, marker(1)] })).reads).toEqual([0, 0]);
    const bumped = await catalog(ref, { ...only, extractors: [dpkgExtractor, marker(2)] });
    expect(bumped.reads).toEqual([1, 1]);
    expect(JSON.parse(bumped.json).packages.filter((p: { ecosystem: string }) => p.ecosystem === 'npm').map((p: { version: string }) => p.version)).toEqual(['2.0']);
    expect((await catalog(ref, { ...only, extractors: [dpkgExtractor, marker(1)], executables: false })).reads).toEqual([1, 1]);
    expect((await catalog(ref, { ...only, extractors: [dpkgExtractor, marker(1)], cacheSalt: 'grout 9.9.9' })).reads).toEqual([1, 1]);
    expect((await catalog(ref, { ...only, extractors: [dpkgExtractor, marker(1)], cacheSalt: 'grout 9.9.9' })).reads).toEqual([0, 0]);
    expect(readdirSync(inventoryCacheDir(stores.root))).toHaveLength(4);
  });

  it('builds the inventory afresh when its entry is damaged, and stores it again', async () => {
    await written;
    const stores = freshStores();
    const cold = await catalog(ref, stores);
    const dir = inventoryCacheDir(stores.root);
    const [entry] = readdirSync(dir);
    writeFileSync(join(dir, entry!), 'garbage');
    const again = await catalog(ref, { inventoryResults: stores.inventoryResults });
    expect(again.reads).toEqual([1, 1]);
    expect(again.json).toBe(cold.json);
    expect((await catalog(ref, { inventoryResults: stores.inventoryResults })).reads).toEqual([0, 0]);
  });

  it('does not share an entry between an OCI layout and a docker-archive of the same layers (other blob digests)', async () => {
    await written;
    const stores = freshStores();
    await catalog(ref, stores);
    const archive = join(work, 'small.tar');
    await writeDockerArchive(archive, small, 'legacy');
    const fromArchive = await catalog(`docker-archive:${archive}`, { inventoryResults: stores.inventoryResults });
    expect(fromArchive.reads).toEqual([1, 1]);
    expect(fromArchive.json).toBe((await catalog(`docker-archive:${archive}`, {})).json);
  });

  it('never caches a root file system directory', async () => {
    const rootfs = join(work, 'rootfs');
    mkdirSync(join(rootfs, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(join(rootfs, 'var/lib/dpkg/status'), stanza('base-files', '12.4'));
    const stores = freshStores();
    await catalog(`rootfs:${rootfs}`, stores);
    writeFileSync(join(rootfs, 'var/lib/dpkg/status'), `${stanza('base-files', '12.4')}\n${stanza('curl', '7.88')}`);
    const second = await catalog(`rootfs:${rootfs}`, stores);
    expect(second.reads).toEqual([1]);
    expect(JSON.parse(second.json).packages).toHaveLength(2);
    expect(existsSync(stores.root)).toBe(false);
  });
});

describe('stored inventories of real Debian images give byte-identical output in every format', () => {
  const cases: [string, () => Promise<string>][] = [
    ['the layered Debian test image (OCI layout)', async () => `oci:${(await debianTestImage()).ociLayout}:${TAG}`],
    ['the layered Debian test image (docker-archive)', async () => `docker-archive:${(await debianTestImage()).dockerArchive}`],
    ['the Debian image with npm and pip packages', async () => `oci:${(await debianLangImage()).ociLayout}:${LANG_TAG}`],
  ];
  for (const [name, reference] of cases) {
    it(name, async () => {
      const ref = await reference();
      const stores = freshStores();
      const cold = await catalog(ref, stores);
      const warm = await catalog(ref, stores);
      expect(warm.reads.every((r) => r === 0)).toBe(true);
      expect(warm.json === cold.json).toBe(true);
      SBOM_FORMATS.forEach((format, i) => expect(warm.outputs[i] === cold.outputs[i], format).toBe(true));
      const uncached = await catalog(ref, {});
      expect(uncached.json === cold.json).toBe(true);
      SBOM_FORMATS.forEach((format, i) => expect(uncached.outputs[i] === cold.outputs[i], format).toBe(true));
      rmSync(stores.root, { recursive: true, force: true });
    }, 600_000);
  }
});
