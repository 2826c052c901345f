import { describe, expect, it } from 'vitest';
import { readLines, type Line } from './json-lines.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(lines: AsyncIterable<Line>): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('readLines', () => {
  it('splits across chunk boundaries, drops \\r and blank lines, keeps line numbers', async () => {
    const lines = await collect(readLines(chunks('{"a":', '1}\r\n\n  \n{"b"', ':2}\n{"c":3}'), 100));
    expect(lines).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 4, text: '{"b":2}' },
      { number: 5, text: '{"c":3}' },
    ]);
  });

  it('reports a line over the cap with its size and carries on after it', async () => {
    const long = 'x'.repeat(250);
    const lines = await collect(readLines(chunks('ok\n', long.slice(0, 100), long.slice(100), '\nafter\n'), 64));
    expect(lines).toEqual([
      { number: 1, text: 'ok' },
      { number: 2, tooLong: 250 },
      { number: 3, text: 'after' },
    ]);
  });

  it('reports an over-long last line without a newline', async () => {
    expect(await collect(readLines(chunks('y'.repeat(70)), 64))).toEqual([{ number: 1, tooLong: 70 }]);
  });

  it('decodes UTF-8 split between chunks', async () => {
    const bytes = new TextEncoder().encode('{"s":"é€"}\n');
    async function* split(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 7);
      yield bytes.subarray(7);
    }
    expect(await collect(readLines(split(), 100))).toEqual([{ number: 1, text: '{"s":"é€"}' }]);
  });
});
