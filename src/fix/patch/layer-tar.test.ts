import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LayerTarWriter } from './layer-tar.js';

const dir = mkdtempSync(join(tmpdir(), 'grout-layer-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const mtime = new Date(Date.UTC(2026, 0, 1));

async function write(name: string): Promise<{ blob: Buffer; layer: Awaited<ReturnType<LayerTarWriter['finish']>>; md5s: string[] }> {
  const writer = new LayerTarWriter(join(dir, name));
  writer.addNode({ path: 'usr/share/doc', type: 'dir', mode: 0o755, mtime });
  const md5s: string[] = [];
  // Thousands of small files (the batching path) and one streamed file larger than a batch.
  for (let i = 0; i < 3000; i++) md5s.push(await writer.addFile({ path: `usr/share/doc/f${i}`, type: 'file', mode: 0o644, mtime }, 3, Buffer.from(`${i % 1000}`.padStart(3, '0'))));
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let at = 0; at < big.length; at += 100_000) yield big.subarray(at, at + 100_000);
  }
  md5s.push(await writer.addFile({ path: 'usr/lib/big', type: 'file', mode: 0o644, mtime }, big.length, pieces()));
  writer.addWhiteout('etc/old', mtime);
  const layer = await writer.finish();
  return { blob: readFileSync(layer.file), layer, md5s };
}

describe('LayerTarWriter', () => {
  it('writes a gzip blob whose digests, size and md5s match its bytes, the same every time', async () => {
    const a = await write('a.tar.gz');
    const tar = gunzipSync(a.blob);
    expect(a.layer.diffId).toBe(sha(tar));
    expect(a.layer.digest).toBe(sha(a.blob));
    expect(a.layer.size).toBe(a.blob.length);
    expect(a.md5s[1]).toBe(createHash('md5').update('001').digest('hex'));
    expect(tar.includes(Buffer.from('usr/share/doc/f2999'))).toBe(true);
    expect(tar.includes(Buffer.from('etc/.wh.old'))).toBe(true);
    const b = await write('b.tar.gz');
    expect(b.layer.digest).toBe(a.layer.digest);
  });
});
