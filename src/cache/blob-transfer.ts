import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** Bytes per read of a followed download: as many as other layer reads take (READ_CHUNK_BYTES in image/blob-fs.ts). */
const FOLLOW_CHUNK_BYTES = 512 * 1024;

/**
 * One blob download into the blob cache, readable while it is still being written: a layer is decompressed and
 * parsed as its bytes arrive instead of after the whole blob is on disk, so downloading and reading overlap.
 *
 * The writer (BlobCache.fetch) reports the file it writes and how many bytes of it are written; a follower reads the
 * same file up to that mark and waits for more. The file on disk is what the follower reads, so a connection cut and
 * resumed, or a server that answers a range request with the whole blob (the writer truncates and starts over), is
 * invisible to it: the bytes at an offset are the blob's bytes whichever attempt wrote them. A follower's stream ends
 * only once the writer has verified the whole blob against its digest and renamed it into place; a mismatch, or any
 * failure the writer gives up on, fails the follower's stream instead, so nothing read from a bad blob is trusted.
 */
export class BlobTransfer {
  private file: string | undefined;
  private written = 0;
  private finished: { path: string; size: number } | undefined;
  private failure: { error: unknown } | undefined;
  private waiters: (() => void)[] = [];
  /** Counts the writer's reports, so a reader that checked the state before an await misses none. */
  private version = 0;

  /** Writer: bytes go to `file`, of which the first `written` are on disk. */
  progress(file: string, written: number): void {
    this.file = file;
    this.written = written;
    this.wake();
  }

  /** Writer: the verified blob is at `path` (a cache hit finishes a transfer straight away). */
  finish(path: string, size: number): void {
    this.finished = { path, size };
    this.wake();
  }

  /** Writer: the download failed for good. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake();
  }

  /**
   * The cached file when the blob was in the cache before this transfer (nothing was downloaded); undefined while
   * downloading or when this transfer downloaded (and verified) it.
   */
  get cachedPath(): string | undefined {
    return this.file === undefined ? this.finished?.path : undefined;
  }

  /**
   * The first `bytes` bytes (fewer only when the blob is shorter), as soon as they are written: for sniffing the
   * compression before streaming.
   */
  async head(bytes: number, signal?: AbortSignal): Promise<Buffer> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.failure) throw this.failure.error;
      const available = this.finished ? this.finished.size : this.written;
      if (available >= bytes || this.finished) {
        const seen = this.version;
        const handle = await this.openFile();
        if (!handle) {
          await this.changed(signal, seen);
          continue;
        }
        try {
          const buf = Buffer.alloc(Math.min(bytes, available));
          const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
          return buf.subarray(0, bytesRead);
        } finally {
          await handle.close();
        }
      }
      await this.changed(signal);
    }
  }

  /** The whole blob as a stream that follows the download; it ends only after the blob is verified. */
  follow(signal?: AbortSignal): Readable {
    return Readable.from(this.chunks(signal), { objectMode: false });
  }

  private async *chunks(signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
    let handle: FileHandle | undefined;
    let position = 0;
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (this.failure) throw this.failure.error;
        const available = this.finished ? this.finished.size : this.written;
        if (position < available) {
          // The writer's temporary file keeps its inode when renamed into place, so one handle serves throughout.
          const seen = this.version;
          handle ??= await this.openFile();
          if (!handle) {
            await this.changed(signal, seen);
            continue;
          }
          const want = Math.min(FOLLOW_CHUNK_BYTES, available - position);
          const buf = Buffer.allocUnsafe(want);
          const { bytesRead } = await handle.read(buf, 0, want, position);
          if (bytesRead === 0) {
            // Shorter than the writer said: it truncated the file to start over; wait for it to catch up.
            if (this.finished) throw new Error(`${this.finished.path}: the cached blob is shorter than its ${this.finished.size} bytes`);
            await this.changed(signal);
            continue;
          }
          position += bytesRead;
          yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
          continue;
        }
        if (this.finished) return;
        await this.changed(signal);
      }
    } finally {
      await handle?.close();
    }
  }

  /**
   * The file as it is now: the finished blob, else the writer's temporary file — undefined when that was renamed
   * into place (or removed) just before it could be opened: `finish` (or `fail`) is then about to say so.
   */
  private async openFile(): Promise<FileHandle | undefined> {
    const finished = this.finished;
    try {
      return await open(finished?.path ?? this.file!, 'r');
    } catch (err) {
      if (finished || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return undefined;
    }
  }

  /** Resolves at the writer's next report, or at once when there was one since `seen`. */
  private changed(signal: AbortSignal | undefined, seen = this.version): Promise<void> {
    if (this.version !== seen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private wake(): void {
    this.version++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
