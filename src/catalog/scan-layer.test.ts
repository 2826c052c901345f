import { describe, expect, it } from 'vitest';
import type { LayerEntry, LayerHandle } from '../image/index.js';
import { Gate, scanLayer, type FileSelector } from './scan-layer.js';

/** A layer of regular files whose bytes are all views into one shared buffer, as a decompressor's chunk hands them out. */
function layerOfViews(files: Record<string, Buffer>): LayerHandle {
  return {
    ref: { index: 0, diffId: 'sha256:0' },
    async *entries(): AsyncGenerator<LayerEntry> {
      for (const [path, bytes] of Object.entries(files)) {
        yield {
          kind: 'node',
          path,
          type: 'file',
          mode: 0o644,
          size: bytes.length,
          read: async () => bytes,
          stream: async function* () {
            yield bytes;
          },
        };
      }
    },
  };
}

const keepAll: FileSelector = {
  executables: false,
  largeFileGate: new Gate(),
  select: () => ({ cap: 1024 * 1024, keep: true, fileExtractors: [] }),
};

describe('scanLayer', () => {
  it('keeps a small file as a copy of its bytes, not as a view that would hold the whole chunk', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    chunk.write('Package: a\n', 1000);
    const status = chunk.subarray(1000, 1011);
    const whole = Buffer.alloc(64, 0x62); // not from the shared pool: its own buffer
    const scanned = await scanLayer(layerOfViews({ 'var/lib/dpkg/status': status, 'etc/os-release': whole }), keepAll);
    const kept = scanned.contents.get('var/lib/dpkg/status')!;
    expect(kept.toString()).toBe('Package: a\n');
    expect(kept.buffer.byteLength).toBeLessThan(chunk.length);
    // A buffer that is already its own is kept as it is.
    expect(scanned.contents.get('etc/os-release')).toBe(whole);
  });
});
