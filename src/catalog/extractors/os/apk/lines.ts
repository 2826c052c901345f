/** Lines of a database buffer, decoded one at a time so a 64 MiB file never becomes one big string. */

/** Longest line read; a real `D:` or `p:` line is a few kilobytes. */
export const maxLineBytes = 1024 * 1024;

export interface Line {
  /** 1-based. */
  number: number;
  /** The text without its line ending; undefined when the line exceeds `maxLineBytes` (not decoded). */
  text: string | undefined;
  /** Byte length, for the message about an overlong line. */
  bytes: number;
}

export function* bufferLines(buffer: Buffer): Generator<Line> {
  let pos = 0;
  let number = 0;
  while (pos < buffer.length) {
    let end = buffer.indexOf(0x0a, pos);
    if (end === -1) end = buffer.length;
    number += 1;
    let stop = end;
    if (stop > pos && buffer[stop - 1] === 0x0d) stop -= 1;
    const bytes = stop - pos;
    yield { number, bytes, text: bytes > maxLineBytes ? undefined : buffer.toString('utf8', pos, stop) };
    pos = end + 1;
  }
}
