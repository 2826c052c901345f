import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xzWorkerStream } from './xz-worker.js';

const dir = mkdtempSync(join(tmpdir(), 'grout-xz-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ~5 MB of text that does not compress to nothing, inside a file with bytes before and after it (like an ar member).
const plain = Buffer.from(Array.from({ length: 120_000 }, (_, i) => `line ${i} ${createHash('md5').update(String(i)).digest('hex')}\n`).join(''));
const packed = execFileSync('xz', ['-c', '-1'], { input: plain, maxBuffer: 1 << 26 });
const file = join(dir, 'member.bin');
writeFileSync(file, Buffer.concat([Buffer.from('HEAD'), packed, Buffer.from('TAIL')]));
const range = [4, 4 + packed.length - 1] as const;

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('xzWorkerStream', () => {
  it('decodes a file range on a worker, in batches', async () => {
    expect((await collect(xzWorkerStream(file, ...range))).equals(plain)).toBe(true); // (toEqual on 5 MB is slow)
  });

  it('stops the worker when the reader stops early, and the next stream still runs', async () => {
    const stream = xzWorkerStream(file, ...range);
    for await (const chunk of stream) {
      expect(chunk.length).toBeGreaterThan(0);
      break; // destroys the stream
    }
    expect(stream.destroyed).toBe(true);
    expect((await collect(xzWorkerStream(file, ...range))).length).toBe(plain.length);
  });

  it('reports corrupt data as an error', async () => {
    const bad = join(dir, 'bad.bin');
    writeFileSync(bad, Buffer.concat([packed.subarray(0, 64), Buffer.alloc(4096, 0x55)]));
    await expect(collect(xzWorkerStream(bad, 0, 64 + 4096 - 1))).rejects.toThrow();
  });
});
