/** Deterministic pseudo-random bytes (a linear congruential generator) for hostile-input tests. */
export function garbage(size: number, seed = 42): Buffer {
  const bytes = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
