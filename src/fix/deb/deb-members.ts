/** Locating and decompressing the `control.tar.*` and `data.tar.*` members of a .deb, as streams. */
import { createReadStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { zstdDecompressor } from '../../image/decompress.js';
import xzPackage from 'xz-decompress';
import { GroutError } from '../../core/errors.js';
import { badDeb, readArIndex, type ArMember } from './ar-archive.js';
import { xzWorkerStream } from './xz-worker.js';

const { XzReadableStream } = xzPackage;

export type DebCompression = 'none' | 'gzip' | 'xz' | 'zstd';

export interface DebMembers {
  file: string;
  control: ArMember & { compression: DebCompression };
  data: ArMember & { compression: DebCompression };
}

const SUFFIXES: Record<string, DebCompression> = { '': 'none', '.gz': 'gzip', '.xz': 'xz', '.zst': 'zstd' };

/** Read the ar index of a .deb and check its structure: `debian-binary` 2.x first, then control and data tars. */
export async function openDeb(file: string): Promise<DebMembers> {
  const members = await readArIndex(file);
  const first = members[0];
  if (first?.name !== 'debian-binary') throw badDeb(file, 'the first member is not debian-binary');
  if (first.size > 16) throw badDeb(file, 'debian-binary is too large');
  const version = await readRange(file, first.offset, first.size);
  if (!/^2\.\d+\n?$/.test(version.toString('latin1'))) {
    throw badDeb(file, `unsupported format version ${JSON.stringify(version.toString('latin1').trim())}`);
  }
  return { file, control: findTar(file, members, 'control.tar'), data: findTar(file, members, 'data.tar') };
}

function findTar(file: string, members: ArMember[], base: string): ArMember & { compression: DebCompression } {
  const member = members.find((m) => m.name === base || m.name.startsWith(`${base}.`));
  if (member === undefined) throw badDeb(file, `no ${base} member`);
  const compression = SUFFIXES[member.name.slice(base.length)];
  if (compression === undefined) {
    throw new GroutError('E_INPUT_FORMAT', `${file}: ${member.name} uses a compression grout does not read`, {
      file,
      hint: 'grout reads .deb members compressed with gzip, xz or zstd, or not at all',
    });
  }
  return { ...member, compression };
}

/**
 * The decompressed bytes of one member, streamed from disk. Stops with E_TOO_LARGE past `maxBytes` of output, so a
 * decompression bomb costs at most that much work.
 */
export function memberStream(file: string, member: ArMember & { compression: DebCompression }, maxBytes: number): Readable {
  if (member.compression === 'xz' && member.size >= XZ_WORKER_MIN_BYTES) {
    // Large xz members decode on a worker thread, beside the tar reading and layer writing on this one.
    return capped(xzWorkerStream(file, member.offset, member.offset + member.size - 1), undefined, maxBytes, `${file}:${member.name}`);
  }
  const raw: Readable = member.size === 0 ? Readable.from([]) : createReadStream(file, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 256 * 1024 });
  const where = `${file}:${member.name}`;
  let out: Readable;
  switch (member.compression) {
    case 'none':
      out = raw;
      break;
    case 'gzip':
      out = raw.pipe(createGunzip({ chunkSize: 128 * 1024 }));
      raw.on('error', (err) => out.destroy(err));
      break;
    case 'zstd':
      out = raw.pipe(zstdDecompressor());
      raw.on('error', (err) => out.destroy(err));
      break;
    case 'xz': {
      const web = Readable.toWeb(raw) as unknown as ReadableStream<Uint8Array>;
      out = Readable.fromWeb(new XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>);
      break;
    }
  }
  return capped(out, raw, maxBytes, where);
}

/** Compressed xz members at least this large are decoded on a worker (smaller ones are not worth its start-up). */
export const XZ_WORKER_MIN_BYTES = 256 * 1024;

/** `out` behind a byte cap; destroying the result tears `out` (and `raw`, the file reader) down. */
function capped(out: Readable, raw: Readable | undefined, maxBytes: number, where: string): Readable {
  const guarded = out.pipe(byteCap(maxBytes, where));
  out.on('error', (err) => guarded.destroy(err));
  // A reader that stops early (one member found) destroys only the capped stream; the decompressor must be torn down too —
  // xz-decompress serialises its streams on one mutex that only a finished or cancelled stream releases, so a
  // forgotten one makes the next .deb read wait forever.
  guarded.on('close', () => {
    if (!out.readableEnded) out.destroy();
    if (raw !== undefined && out !== raw && !raw.readableEnded) raw.destroy();
  });
  return guarded;
}

function byteCap(maxBytes: number, where: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        callback(new GroutError('E_TOO_LARGE', `${where} decompresses to more than ${maxBytes} bytes`, { file: where }));
        return;
      }
      callback(null, chunk);
    },
  });
}

async function readRange(file: string, offset: number, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (length === 0) return Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { start: offset, end: offset + length - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
