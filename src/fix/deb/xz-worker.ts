/**
 * xz decompression of a file range on a worker thread. The WebAssembly xz decoder is the costliest step of writing a
 * patch layer (~20 ms per MB of output); on the main thread it also serialises with tar parsing, hashing and tar
 * writing. On a worker it runs beside them. Output comes back in batches, at most two in flight, so a slow reader
 * holds at most ~2 MiB; destroying the stream terminates the worker, so nothing is left holding the decoder.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

const BATCH_BYTES = 1024 * 1024;
const IN_FLIGHT = 2;

// Plain CommonJS run with `eval`, so it works the same from dist/ and from the TypeScript sources under test.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { Readable } = require('node:stream');
const { XzReadableStream } = require(workerData.xzModule);
(async () => {
  const raw = createReadStream(workerData.file, { start: workerData.start, end: workerData.end, highWaterMark: 256 * 1024 });
  const reader = new XzReadableStream(Readable.toWeb(raw)).getReader();
  let credit = ${IN_FLIGHT};
  let wake;
  parentPort.on('message', () => { credit++; if (wake) { const w = wake; wake = undefined; w(); } });
  let held = [];
  let bytes = 0;
  const send = async () => {
    while (credit === 0) await new Promise((resolve) => { wake = resolve; });
    credit--;
    const out = Buffer.concat(held, bytes);
    held = [];
    bytes = 0;
    const ab = out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
    parentPort.postMessage({ chunk: ab }, [ab]);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    held.push(value);
    bytes += value.length;
    if (bytes >= ${BATCH_BYTES}) await send();
  }
  if (bytes > 0) await send();
  parentPort.postMessage({ end: true });
})().catch((err) => parentPort.postMessage({ error: String(err && err.message || err) }));
`;

let xzModule: string | undefined;

/** The decompressed bytes of `file[start, end]` (inclusive, as createReadStream counts), decoded on a worker. */
export function xzWorkerStream(file: string, start: number, end: number): Readable {
  xzModule ??= createRequire(import.meta.url).resolve('xz-decompress');
  let worker: Worker | undefined;
  let finished = false;
  const out = new Readable({
    highWaterMark: BATCH_BYTES,
    read() {
      worker?.postMessage(0); // one more batch may be sent
    },
    destroy(err, callback) {
      if (!finished) void worker?.terminate();
      callback(err);
    },
  });
  // No inherited execArgv: loaders a test runner registers are no use to this plain script and slow its start.
  worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { file, start, end, xzModule } });
  worker.unref();
  worker.on('message', (m: { chunk?: ArrayBuffer; end?: true; error?: string }) => {
    if (m.chunk !== undefined) out.push(Buffer.from(m.chunk));
    else if (m.end) {
      finished = true;
      out.push(null);
      void worker?.terminate();
    } else if (m.error !== undefined) out.destroy(new Error(m.error));
  });
  worker.on('error', (err) => out.destroy(err));
  worker.on('exit', (code) => {
    if (!finished && !out.destroyed) out.destroy(new Error(`the xz worker stopped (exit code ${code})`));
  });
  return out;
}
