/**
 * Writing a layer: entries go into a tar stream, which is hashed (the diffId), gzip-compressed, hashed again (the
 * digest) and written to a file, all in one pass with back-pressure.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';

export interface LayerEntryHeader {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime: Date;
  linkTarget?: string;
}

export interface WrittenLayerBlob {
  file: string;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  /** sha256 of the gzip blob. */
  digest: string;
  size: number;
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip';
}

/** The gzip level of patch layers. */
export const GZIP_LEVEL = 3;
const BATCH_BYTES = 1024 * 1024;

/** Passes bytes through in chunks of at least `size` bytes (the last one may be shorter). */
function batcher(size: number): Transform {
  let held: Buffer[] = [];
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      held.push(chunk);
      bytes += chunk.length;
      if (bytes < size) {
        cb();
        return;
      }
      const out = Buffer.concat(held, bytes);
      held = [];
      bytes = 0;
      cb(null, out);
    },
    flush(cb: TransformCallback) {
      cb(null, bytes === 0 ? undefined : Buffer.concat(held, bytes));
    },
  });
}

function hasher(onDone: (hex: string, bytes: number) => void): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      onDone(hash.digest('hex'), bytes);
      cb();
    },
  });
}

/** A gzip'd layer tar being written to `file`. Add entries in order, then `finish()`. */
export class LayerTarWriter {
  private readonly tar: Pack = pack();
  private readonly done: Promise<void>;
  private diffId = '';
  private digest = '';
  private size = 0;

  constructor(private readonly file: string) {
    this.done = pipeline(
      this.tar,
      // tar-stream emits a chunk per header and per file piece; zlib hands every chunk to the thread pool and back,
      // so thousands of small files cost more in round trips than in compressing. Batch them first.
      batcher(BATCH_BYTES),
      hasher((hex) => {
        this.diffId = `sha256:${hex}`;
      }),
      // No name/mtime in the gzip header: the same tar always gives the same blob. Level 3 is near level 6's size
      // (+8 % on Debian packages' files) at half its CPU time; zlib runs off the main thread, beside the decompressing.
      createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 }),
      hasher((hex, bytes) => {
        this.digest = `sha256:${hex}`;
        this.size = bytes;
      }),
      createWriteStream(file),
    );
    this.done.catch(() => {});
  }

  /** A file from chunks; `size` must be exact. Returns the md5 of the bytes written (dpkg's md5sums hash). */
  async addFile(header: LayerEntryHeader, size: number, chunks: AsyncIterable<Buffer> | Buffer): Promise<string> {
    const md5 = createHash('md5');
    const entry = this.tar.entry({ ...this.headerOf(header), type: 'file', size });
    const finished = once(entry, 'finish');
    if (Buffer.isBuffer(chunks)) {
      md5.update(chunks);
      entry.end(chunks);
    } else {
      for await (const chunk of chunks) {
        md5.update(chunk);
        if (!entry.write(chunk)) await once(entry, 'drain');
      }
      entry.end(Buffer.alloc(0));
    }
    await Promise.race([finished, this.done.then(() => undefined)]);
    return md5.digest('hex');
  }

  /** A directory, symlink or hard link. */
  addNode(header: LayerEntryHeader): void {
    this.tar.entry({ ...this.headerOf(header), size: 0 });
  }

  /** An OCI whiteout hiding `path` of the layers below. */
  addWhiteout(path: string, mtime: Date): void {
    const slash = path.lastIndexOf('/');
    const name = slash < 0 ? `.wh.${path}` : `${path.slice(0, slash)}/.wh.${path.slice(slash + 1)}`;
    this.tar.entry({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime }, Buffer.alloc(0));
  }

  async finish(): Promise<WrittenLayerBlob> {
    this.tar.finalize();
    await this.done;
    return { file: this.file, diffId: this.diffId, digest: this.digest, size: this.size, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
  }

  /** Stop writing after a failure elsewhere. */
  abort(err: Error): void {
    this.tar.destroy(err);
  }

  private headerOf(h: LayerEntryHeader): Parameters<Pack['entry']>[0] {
    const type = h.type === 'dir' ? 'directory' : h.type === 'hardlink' ? 'link' : h.type;
    return {
      name: h.type === 'dir' ? `${h.path}/` : h.path,
      type,
      mode: h.mode,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      uname: h.uname ?? 'root',
      gname: h.gname ?? 'root',
      mtime: h.mtime,
      ...(h.linkTarget !== undefined ? { linkname: h.linkTarget } : {}),
    };
  }
}
