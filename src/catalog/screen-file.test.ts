import { describe, expect, it } from 'vitest';
import { chunkSource, joinChunks, screenFile } from './screen-file.js';

/** The bytes as copies in pieces of `size` (the last shorter). */
function split(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(Buffer.from(bytes.subarray(at, at + size)));
  return out;
}

async function* stream(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

describe('screenFile', () => {
  const go = Buffer.from('\xff Go buildinf:', 'latin1');
  const rust = Buffer.from('.dep-v0');

  it('finds a signature wherever it lies, also split across any chunk boundary, and keeps every chunk', async () => {
    const file = Buffer.concat([Buffer.alloc(1000, 0x41), go, Buffer.alloc(500, 0x42)]);
    for (const size of [1, 3, 13, 14, 15, 100, 1007, 1008, 5000]) {
      const seen: Buffer[] = [];
      const screened = await screenFile(stream(split(file, size)), [rust, go], (c) => seen.push(c));
      expect(screened.found, `chunks of ${size}`).toEqual([false, true]);
      expect(screened.length).toBe(file.length);
      expect(joinChunks(screened).equals(file)).toBe(true);
      expect(Buffer.concat(seen).equals(file)).toBe(true);
    }
  });

  it('reports no signature for a file without one, even when parts of it straddle chunks', async () => {
    // Every prefix of the signature ends a chunk, and the rest does not follow.
    const file = Buffer.concat([go.subarray(0, 13), Buffer.from('x'), go.subarray(1), Buffer.from('.dep-v'), Buffer.from('1')]);
    for (const size of [1, 2, 7, 13, 14, 64]) {
      expect((await screenFile(stream(split(file, size)), [go, rust])).found).toEqual([false, false]);
    }
  });

  it('an empty file has no signature and no chunks', async () => {
    const screened = await screenFile(stream([]), [go]);
    expect(screened).toEqual({ chunks: [], length: 0, found: [false] });
    expect(joinChunks(screened).length).toBe(0);
  });
});

describe('chunkSource', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  it('reads any range as the whole buffer would, inside one chunk or across several', () => {
    for (const size of [1, 7, 64, 999, 1000]) {
      const source = chunkSource({ chunks: split(bytes, size), length: bytes.length });
      expect(source.length).toBe(1000);
      for (const [offset, length] of [[0, 0], [0, 1], [0, 1000], [5, 100], [63, 2], [999, 1], [1000, 0], [500, 500]] as const) {
        expect(source.read(offset, length)?.equals(bytes.subarray(offset, offset + length)), `${size}: ${offset}+${length}`).toBe(true);
      }
    }
  });

  it('is undefined outside the file or for nonsense ranges', () => {
    const source = chunkSource({ chunks: split(bytes, 100), length: bytes.length });
    for (const [offset, length] of [[1000, 1], [999, 2], [-1, 1], [0, -1], [0.5, 1], [Number.MAX_SAFE_INTEGER, 1], [0, Number.MAX_SAFE_INTEGER]] as const) {
      expect(source.read(offset, length)).toBeUndefined();
    }
  });
});
