/** File helpers for staging an image: blobs copied, hard-linked or decompressed, and a directory packed as a tar. */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { pack } from 'tar-stream';
import { digestVerifier } from '../../core/digest.js';
import { DirFs, type BlobFs } from '../blob-fs.js';
import { decompressor } from '../decompress.js';

/** Put `sha256:<hex>` content under `<dir>/blobs/sha256/<hex>`; returns that path. */
export function blobFile(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/**
 * Copy one blob of the source, as stored: a hard link when both are on one file system (the source's bytes are
 * never opened for writing), else a verified stream copy.
 */
export async function copyBlob(fs: BlobFs, path: string, digest: string | undefined, to: string): Promise<void> {
  await mkdir(join(to, '..'), { recursive: true });
  if (await exists(to)) return;
  if (fs instanceof DirFs) {
    await copyLocalFile(join(fs.root, path), to);
    return;
  }
  await pipeline([fs.stream(path), ...(digest !== undefined ? [digestVerifier(digest, `${fs.name}:${path}`)] : []), createWriteStream(to)] as unknown as [Readable, ...Transform[]]);
}

/** A hard link when possible (same file system), else a copy. Neither opens `from` for writing. */
export async function copyLocalFile(from: string, to: string): Promise<void> {
  await mkdir(join(to, '..'), { recursive: true });
  if (await exists(to)) return;
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** Decompress a stored layer into an uncompressed tar at `to`, checking it against its diffId. Returns its size. */
export async function writeUncompressed(open: () => Readable, compression: 'gzip' | 'zstd' | 'none', diffId: string, name: string, to: string): Promise<number> {
  await mkdir(join(to, '..'), { recursive: true });
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const stages: (Readable | Transform)[] = [open()];
  const d = decompressor(compression);
  if (d) stages.push(d);
  stages.push(digestVerifier(diffId, `${name} (uncompressed)`), counter);
  await pipeline([...stages, createWriteStream(to)] as unknown as [Readable, ...Transform[]]);
  return size;
}

export async function writeBlob(dir: string, bytes: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const file = blobFile(dir, digest);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, bytes);
  return digest;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Pack a staged directory into an uncompressed tar (sorted names, root-owned, mtime 0), as skopeo writes archives. */
export async function packDirectory(dir: string, out: string): Promise<void> {
  const tar = pack();
  const done = pipeline(tar, createWriteStream(out));
  try {
    const walk = async (rel: string): Promise<void> => {
      const names = (await readdir(join(dir, rel))).sort();
      for (const name of names) {
        const path = rel === '' ? name : `${rel}/${name}`;
        const st = await lstat(join(dir, path));
        const header = { name: path, mode: st.mode & 0o777, uid: 0, gid: 0, mtime: new Date(0) };
        if (st.isDirectory()) {
          tar.entry({ ...header, type: 'directory' });
          await walk(path);
        } else if (st.isFile()) {
          const entry = tar.entry({ ...header, type: 'file', size: st.size });
          await pipeline(createReadStream(join(dir, path)), entry);
        }
      }
    };
    await walk('');
    tar.finalize();
  } catch (err) {
    tar.destroy(err as Error);
  }
  await done;
}
