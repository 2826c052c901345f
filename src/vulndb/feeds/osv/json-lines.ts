/**
 * Lines of a byte stream, one at a time, with a cap on a line's length: a line longer than the cap is reported
 * (and its bytes dropped as they arrive), so one enormous line never sits in memory.
 */

export type Line = { number: number; text: string } | { number: number; tooLong: number };

/** Split `chunks` at `\n` (a trailing `\r` is dropped). Empty lines are not yielded. */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let pending = 0;
  let overflow = 0;
  let number = 1;

  const finish = (): Line | undefined => {
    const line = number;
    number += 1;
    if (overflow > 0) {
      const tooLong = overflow + pending;
      overflow = 0;
      parts = [];
      pending = 0;
      return { number: line, tooLong };
    }
    let text = Buffer.concat(parts, pending).toString('utf8');
    parts = [];
    pending = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim() === '' ? undefined : { number: line, text };
  };
  const append = (piece: Buffer): void => {
    if (overflow > 0 || pending + piece.length > maxLineBytes) {
      overflow += pending + piece.length;
      parts = [];
      pending = 0;
      return;
    }
    parts.push(piece);
    pending += piece.length;
  };

  for await (const chunk of chunks) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let newline = buffer.indexOf(0x0a, start); newline !== -1; newline = buffer.indexOf(0x0a, start)) {
      append(buffer.subarray(start, newline));
      const line = finish();
      if (line !== undefined) yield line;
      start = newline + 1;
    }
    if (start < buffer.length) append(buffer.subarray(start));
  }
  if (pending > 0 || overflow > 0) {
    const line = finish();
    if (line !== undefined) yield line;
  }
}
