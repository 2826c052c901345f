import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobTransfer } from './blob-transfer.js';

const dir = mkdtempSync(join(tmpdir(), 'grout-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BlobTransfer', () => {
  it('streams bytes as the writer reports them and ends only once the blob is finished', async () => {
    const temp = join(dir, 'a.partial');
    const final = join(dir, 'a');
    const transfer = new BlobTransfer();
    const read = collect(transfer.follow());
    let done = false;
    void read.then(() => (done = true));
    writeFileSync(temp, 'hello ');
    transfer.progress(temp, 6);
    await tick();
    appendFileSync(temp, 'world');
    transfer.progress(temp, 11);
    for (let i = 0; i < 5; i++) await tick();
    expect(done).toBe(false);
    renameSync(temp, final);
    transfer.finish(final, 11);
    expect((await read).toString()).toBe('hello world');
    expect(transfer.cachedPath).toBeUndefined();
  });

  it('waits out a writer that starts over from the first byte', async () => {
    const temp = join(dir, 'b.partial');
    const transfer = new BlobTransfer();
    writeFileSync(temp, 'abcdef');
    transfer.progress(temp, 6);
    const read = collect(transfer.follow());
    await tick();
    // The server ignored the range request: the writer truncates and writes again.
    transfer.progress(temp, 0);
    writeFileSync(temp, 'abc');
    transfer.progress(temp, 3);
    await tick();
    appendFileSync(temp, 'defgh');
    transfer.progress(temp, 8);
    transfer.finish(temp, 8);
    expect((await read).toString()).toBe('abcdefgh');
  });

  it('fails the stream when the download fails, even after bytes were read', async () => {
    const temp = join(dir, 'c.partial');
    const transfer = new BlobTransfer();
    writeFileSync(temp, 'xyz');
    transfer.progress(temp, 3);
    const read = collect(transfer.follow());
    await tick();
    transfer.fail(new Error('content does not match its digest'));
    await expect(read).rejects.toThrow(/does not match/);
    await expect(transfer.head(512)).rejects.toThrow(/does not match/);
  });

  it('gives the head once enough bytes are there, and the cached path of a blob it never downloaded', async () => {
    const final = join(dir, 'd');
    writeFileSync(final, 'short');
    const downloading = new BlobTransfer();
    const head = downloading.head(4);
    writeFileSync(join(dir, 'e.partial'), 'abcdefgh');
    downloading.progress(join(dir, 'e.partial'), 8);
    expect((await head).toString()).toBe('abcd');

    const hit = new BlobTransfer();
    hit.finish(final, 5);
    expect((await hit.head(512)).toString()).toBe('short');
    expect(hit.cachedPath).toBe(final);
  });

  it('stops waiting when the reader is cancelled', async () => {
    const transfer = new BlobTransfer();
    const controller = new AbortController();
    const read = collect(transfer.follow(controller.signal));
    await tick();
    controller.abort(new Error('cancelled'));
    await expect(read).rejects.toThrow(/cancelled/);
  });
});
