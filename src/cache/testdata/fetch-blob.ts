/**
 * Run by blob-cache.test.ts as a separate process: fetch one blob into a shared cache directory from a local HTTP
 * server (argv: cache dir, digest, size, url), and print the path it got.
 */
import { get } from 'node:http';
import { BlobCache } from '../blob-cache.js';

const [dir, digest, size, url] = process.argv.slice(2) as [string, string, string, string];
const cache = new BlobCache(dir, 1024 ** 3);
const path = await cache.fetch(
  digest,
  (offset) =>
    new Promise((resolve, reject) => {
      get(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {} }, (res) => {
        const range = /^bytes (\d+)-/.exec(res.headers['content-range'] ?? '');
        resolve({ start: res.statusCode === 206 && range ? Number(range[1]) : 0, body: res });
      }).on('error', reject);
    }),
  { size: Number(size) },
);
process.stdout.write(`${path}\n`);
