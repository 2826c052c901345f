import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Which compression a layer blob uses. The magic bytes decide when they are recognisable (Docker's
 * `…tar.gzip` media type is often used for plain tars, and the reverse); the media type decides otherwise.
 */
export function detectCompression(head: Buffer, mediaType?: string): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (looksLikeTar(head)) return 'none';
  if (mediaType?.endsWith('+zstd') || mediaType?.endsWith('.zstd')) return 'zstd';
  if (mediaType?.endsWith('+gzip') || mediaType?.endsWith('.gzip')) return 'gzip';
  return 'none';
}

/** A ustar/GNU magic at offset 257, or an empty archive (all zero block). */
function looksLikeTar(head: Buffer): boolean {
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true;
  return head.length >= 512 && head.subarray(0, 512).every((b) => b === 0);
}

/** Output chunks of gunzip: 256 KB took ~0.5 s off a 1.9 GB image against 128 KB, for a few hundred KB per layer. */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

export function decompressor(compression: Compression): Transform | undefined {
  switch (compression) {
    case 'gzip':
      return createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    case 'zstd':
      return zstdDecompressor();
    case 'none':
      return undefined;
  }
}

/** fzstd's streaming decompressor as a Node transform (Node 20's zlib has no zstd). */
export function zstdDecompressor(): Transform {
  let push: ((chunk: Buffer) => void) | undefined;
  const decoder = new Decompress((data) => push?.(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        decoder.push(chunk);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
  push = (chunk) => transform.push(chunk);
  return transform;
}
