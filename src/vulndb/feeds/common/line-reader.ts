/**
 * Lines of a byte stream, one at a time, with a cap on the length of a line: a line over the cap is reported as
 * too long (its bytes are dropped, never buffered) so one hostile line cannot exhaust memory.
 */
export interface TextLine {
  /** 1-based line number. */
  number: number;
  /** The line without its `\n` / `\r\n`; '' when `tooLong`. */
  text: string;
  tooLong: boolean;
}

/**
 * Split chunks into lines (UTF-8; invalid bytes become U+FFFD; a leading BOM is dropped).
 * @example for await (const line of readLines(readFeedBytes(input, opts), 64 * 1024)) …
 */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<TextLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  const finish = (): TextLine => {
    number++;
    let text = '';
    if (!tooLong) {
      text = Buffer.concat(parts, size).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const line = { number, text, tooLong };
    parts = [];
    size = 0;
    tooLong = false;
    return line;
  };
  for await (const raw of chunks) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!tooLong) {
        if (size + (end - start) > maxLineBytes) {
          tooLong = true;
          parts = [];
          size = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (newline === -1) break;
      yield finish();
      start = newline + 1;
    }
  }
  if (size > 0 || tooLong) yield finish();
}
