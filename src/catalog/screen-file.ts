import type { ByteSource } from './elf/index.js';

/**
 * Screening a large file for the extractors that look inside programs (Go build info, Rust cargo-auditable data).
 * They want every executable, but find something in few: a Debian image with compilers has ~60 executables of
 * 1-35 MB, and none of gcc's is a Go or Rust program. Each such extractor names byte strings at least one of which
 * every file it reports on contains (`FileExtractor.signatures`); the file is streamed through a search for them,
 * keeping the chunks it arrives in, and joined into one buffer only when a signature turns up.
 *
 * Joining every large executable allocated and copied ~300 MB per scan of that image, in buffers of 1-32 MB: glibc
 * maps each with mmap, and freeing one raises its mmap threshold to that size and its trim threshold to twice it,
 * after which freed heap memory stayed resident for the rest of the run (~40 MB of peak RSS).
 */
export interface ScreenedFile {
  /** The file as streamed: the chunks, in order. */
  chunks: Buffer[];
  length: number;
  /** For each signature, whether the file contains it. */
  found: boolean[];
}

/**
 * Stream a file, keep its chunks, and note which of `signatures` it contains (also across chunk boundaries).
 * `observe` sees every chunk as it passes (hashing).
 */
export async function screenFile(chunks: AsyncIterable<Buffer>, signatures: readonly Buffer[], observe?: (chunk: Buffer) => void): Promise<ScreenedFile> {
  const kept: Buffer[] = [];
  const found = signatures.map(() => false);
  const overlap = Math.max(0, ...signatures.map((s) => s.length - 1));
  /** The last `overlap` bytes before this chunk, to find a signature that straddles two chunks. */
  let tail = Buffer.alloc(0);
  let length = 0;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    observe?.(chunk);
    kept.push(chunk);
    length += chunk.length;
    if (found.every(Boolean)) continue;
    const seam = tail.length > 0 ? Buffer.concat([tail, chunk.subarray(0, overlap)]) : undefined;
    signatures.forEach((signature, i) => {
      if (found[i] || signature.length === 0) {
        found[i] = true;
        return;
      }
      found[i] = chunk.includes(signature) || (seam !== undefined && seam.includes(signature));
    });
    if (overlap > 0) tail = chunk.length >= overlap ? Buffer.from(chunk.subarray(chunk.length - overlap)) : Buffer.concat([tail, chunk]).subarray(-overlap);
  }
  return { chunks: kept, length, found };
}

/** The screened file in one buffer (for the extractors whose signature it contains). */
export function joinChunks(file: Pick<ScreenedFile, 'chunks' | 'length'>): Buffer {
  return file.chunks.length === 1 ? file.chunks[0]! : Buffer.concat(file.chunks, file.length);
}

/**
 * Random access to a file kept as chunks: a read inside one chunk is a view of it, one across chunks a copy of just
 * that range.
 */
export function chunkSource(file: Pick<ScreenedFile, 'chunks' | 'length'>): ByteSource {
  const { chunks, length } = file;
  const starts: number[] = [];
  let at = 0;
  for (const chunk of chunks) {
    starts.push(at);
    at += chunk.length;
  }
  /** Index of the chunk holding byte `offset` (offset < length). */
  const chunkAt = (offset: number): number => {
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    length,
    read(offset: number, size: number): Buffer | undefined {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) return undefined;
      if (offset > length || size > length - offset) return undefined;
      if (size === 0) return Buffer.alloc(0);
      let i = chunkAt(offset);
      const within = offset - starts[i]!;
      if (within + size <= chunks[i]!.length) return chunks[i]!.subarray(within, within + size);
      const out = Buffer.allocUnsafe(size);
      let filled = 0;
      let from = within;
      while (filled < size) {
        const chunk = chunks[i++]!;
        const n = Math.min(chunk.length - from, size - filled);
        chunk.copy(out, filled, from, from + n);
        filled += n;
        from = 0;
      }
      return out;
    },
  };
}
