/** Smallest file worth looking into for build metadata: anything smaller is no real program. */
const MIN_BINARY_BYTES = 1024;

/**
 * The predicate of extractors that read build metadata out of programs (Go build info, Rust cargo-auditable):
 * any regular file with an execute bit and at least 1 KiB, wherever it is.
 */
export function isBinaryCandidate(_path: string, info: { mode: number; size: number }): boolean {
  return (info.mode & 0o111) !== 0 && info.size >= MIN_BINARY_BYTES;
}
