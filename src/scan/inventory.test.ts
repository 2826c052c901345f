import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout } from '../../test/fixtures/image-builder.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../test/registry/registry-harness.js';
import type { ProgressEvent } from '../core/events.js';
import { inventory } from './inventory.js';

const available = registryAvailable();
const work = tempDir('grout-inventory-');

/** Bytes that do not compress, so that a layer blob is large enough to report progress more than once. */
function noise(length: number, seed: string): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < length; i++) chunks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

describe.skipIf(!available)('inventory() of a registry image', () => {
  let registry: TestRegistry;
  let reference: string;
  const env = { ...process.env };

  beforeAll(async () => {
    registry = await startRegistry('plain');
    const layout = join(work, 'layout');
    await writeOciLayout(layout, [
      {
        tag: 't',
        layers: [
          { entries: [{ path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }, { path: 'opt/a.bin', content: noise(3 << 20, 'a') }] },
          { entries: [{ path: 'var/lib/dpkg/status', content: 'Package: tool\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n' }, { path: 'opt/b.bin', content: noise(2 << 20, 'b') }] },
        ],
      },
    ]);
    await registry.push(`oci:${layout}:t`, 'grout/progress:1');
    reference = `${registry.host}/grout/progress:1`;
  }, 120_000);

  afterAll(async () => {
    process.env = env;
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('reports blob downloads per layer to its onProgress, and a rescan of the image downloads nothing', async () => {
    process.env['GROUT_CACHE_DIR'] = join(work, 'cache');
    delete process.env['GROUT_NO_CACHE'];
    const events: ProgressEvent[] = [];
    const cold = await inventory(reference, { onProgress: (e) => events.push(e), registry: {} });
    const downloads = events.filter((e) => e.type === 'blob-download');
    expect(new Set(downloads.map((e) => e.index))).toEqual(new Set([0, 1]));
    for (const index of [0, 1]) {
      const last = downloads.filter((e) => e.index === index).at(-1)!;
      expect(last.total).toBeGreaterThan(1 << 20);
      expect(last.bytes).toBe(last.total);
    }
    expect(cold.packages.map((p) => p.name)).toEqual(['tool']);
    expect(readdirSync(join(work, 'cache', 'images'))).toHaveLength(1);

    const again: ProgressEvent[] = [];
    const warm = await inventory(reference, { onProgress: (e) => again.push(e) });
    expect(again.filter((e) => e.type === 'blob-download')).toEqual([]);
    expect(again.filter((e) => e.type === 'layer-done').every((e) => e.type === 'layer-done' && e.cached)).toBe(true);
    expect(JSON.stringify(warm)).toBe(JSON.stringify(cold));
  }, 120_000);

  it('downloads no layer whose results are cached, even without the whole-image entry', async () => {
    process.env['GROUT_CACHE_DIR'] = join(work, 'cache');
    const before = await inventory(reference, { registry: {} });
    rmSync(join(work, 'cache', 'images'), { recursive: true, force: true });
    rmSync(join(work, 'cache', 'blobs'), { recursive: true, force: true });
    const events: ProgressEvent[] = [];
    const again = await inventory(reference, { onProgress: (e) => events.push(e), registry: {} });
    expect(events.filter((e) => e.type === 'blob-download')).toEqual([]);
    expect(events.filter((e) => e.type === 'layer-done').map((e) => e.type === 'layer-done' && e.cached)).toEqual([true, true]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(before));
  }, 120_000);

  it('leaves download events where the caller sent them when its registry options name a listener', async () => {
    // A new cache: the blobs must be downloaded again.
    process.env['GROUT_CACHE_DIR'] = join(work, 'cache-2');
    const mine: ProgressEvent[] = [];
    const theirs: ProgressEvent[] = [];
    await inventory(reference, { cache: false, onProgress: (e) => mine.push(e), registry: { onProgress: (e) => theirs.push(e) } });
    expect(mine.some((e) => e.type === 'blob-download')).toBe(false);
    expect(theirs.some((e) => e.type === 'blob-download')).toBe(true);
    expect(mine.some((e) => e.type === 'layer-done')).toBe(true);
  }, 120_000);
});
