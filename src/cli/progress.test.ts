import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../core/events.js';
import { progressRenderer, type ProgressStream } from './progress.js';

/** A terminal just capable enough for the renderer: \r, \n, erase line, cursor up. Keeps the screen as lines. */
class Terminal implements ProgressStream {
  isTTY = true;
  columns = 100;
  screen: string[] = [''];
  row = 0;
  col = 0;
  raw = '';

  write(text: string): boolean {
    this.raw += text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\x1b') {
        const m = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i));
        if (!m) throw new Error(`unknown escape at ${i}`);
        const n = Number(m[1] || '1');
        if (m[2] === 'A') this.row = Math.max(0, this.row - n);
        else if (m[2] === 'K') this.screen[this.row] = '';
        else if (m[2] !== 'm') throw new Error(`unexpected escape ${m[0]}`);
        i += m[0].length - 1;
      } else if (c === '\r') {
        this.col = 0;
      } else if (c === '\n') {
        this.row++;
        this.col = 0;
        while (this.screen.length <= this.row) this.screen.push('');
      } else {
        const line = this.screen[this.row]!.padEnd(this.col);
        this.screen[this.row] = line.slice(0, this.col) + c + line.slice(this.col + 1);
        this.col++;
      }
    }
    return true;
  }

  text(): string {
    return this.screen.join('\n').trimEnd();
  }
}

const diffId = (c: string): string => `sha256:${c.repeat(64)}`;

function feed(events: ProgressEvent[], term: Terminal, color = false) {
  let t = 0;
  const progress = progressRenderer(false, { stream: term, color, now: () => (t += 1000) });
  for (const e of events) progress.listener!(e);
  return progress;
}

describe('progress on stderr', () => {
  it('draws a line per layer: download bar, files read, cached', () => {
    const term = new Terminal();
    feed(
      [
        { type: 'image-opened', reference: 'registry.test/app:1', layers: 3 },
        { type: 'layer-start', index: 0, total: 3, diffId: diffId('a'), digest: diffId('1'), size: 1000 },
        { type: 'layer-start', index: 1, total: 3, diffId: diffId('b'), digest: diffId('2') },
        { type: 'layer-done', index: 1, total: 3, entries: 1234, wanted: 3, cached: true },
        { type: 'layer-start', index: 2, total: 3, diffId: diffId('c'), digest: diffId('3'), size: 4 * 1024 * 1024 },
        { type: 'blob-download', digest: diffId('3'), bytes: 1024 * 1024, total: 4 * 1024 * 1024 },
        { type: 'layer-progress', index: 0, total: 3, entries: 2048, bytes: 50 * 1024 * 1024 },
      ],
      term,
    );
    expect(term.text()).toBe(
      [
        'registry.test/app:1: 3 layers',
        'layer 1/3 aaaaaaaaaaaa  reading  2,048 entries, 50.0 MiB',
        'layer 2/3 bbbbbbbbbbbb  cached  1,234 entries',
        `layer 3/3 cccccccccccc  download [${'#'.repeat(8)}${'-'.repeat(22)}] 1.0/4.0 MiB`,
      ].join('\n'),
    );
  });

  it('redraws in place and leaves stderr clean when done', () => {
    const term = new Terminal();
    const progress = feed(
      [
        { type: 'image-opened', reference: 'oci:x', layers: 2 },
        { type: 'layer-start', index: 0, total: 2, diffId: diffId('a') },
        { type: 'layer-start', index: 1, total: 2, diffId: diffId('b') },
        { type: 'layer-done', index: 0, total: 2, entries: 10, wanted: 1 },
        { type: 'layer-done', index: 1, total: 2, entries: 20, wanted: 1 },
        { type: 'extract-done', extractor: 'os/dpkg@1', packages: 119 },
      ],
      term,
    );
    expect(term.text().split('\n')).toEqual([
      'oci:x: 2 layers',
      'layer 1/2 aaaaaaaaaaaa  read    10 entries',
      'layer 2/2 bbbbbbbbbbbb  read    20 entries',
      'os/dpkg@1: 119 packages',
    ]);
    progress.done();
    expect(term.text()).toBe('');
    expect(term.row).toBe(0);
  });

  it('sums many layers up in one line and shows only those in flight', () => {
    const term = new Terminal();
    const events: ProgressEvent[] = [{ type: 'image-opened', reference: 'big', layers: 20 }];
    for (let i = 0; i < 20; i++) events.push({ type: 'layer-start', index: i, total: 20, diffId: diffId('abcdef0123456789'[i % 16]!) });
    for (let i = 0; i < 18; i++) events.push({ type: 'layer-done', index: i, total: 20, entries: 1, wanted: 0, cached: i < 5 });
    feed(events, term);
    const lines = term.text().split('\n');
    expect(lines[1]).toBe('layers: 18/20 done, 5 from cache');
    expect(lines).toHaveLength(4);
  });

  it('colours only when asked (NO_COLOR turns it off in the CLI)', () => {
    const plain = new Terminal();
    feed([{ type: 'layer-start', index: 0, total: 1, diffId: diffId('a') }, { type: 'layer-done', index: 0, total: 1, entries: 1, wanted: 0, cached: true }], plain);
    expect(plain.raw).not.toMatch(/\x1b\[\d+m/);
    const coloured = new Terminal();
    feed([{ type: 'layer-start', index: 0, total: 1, diffId: diffId('a') }, { type: 'layer-done', index: 0, total: 1, entries: 1, wanted: 0, cached: true }], coloured, true);
    expect(coloured.raw).toContain('\x1b[32mcached\x1b[0m');
  });

  it('keeps every line within the terminal width', () => {
    const term = new Terminal();
    term.columns = 50;
    feed([{ type: 'image-opened', reference: `docker.io/library/${'x'.repeat(80)}:latest`, layers: 1 }], term);
    expect(term.text().length).toBeLessThanOrEqual(49);
    expect(term.text().endsWith('…')).toBe(true);
  });

  it('is silent off a terminal and with --quiet', () => {
    const term = new Terminal();
    term.isTTY = false;
    expect(progressRenderer(false, { stream: term }).listener).toBeUndefined();
    term.isTTY = true;
    expect(progressRenderer(true, { stream: term }).listener).toBeUndefined();
    expect(term.raw).toBe('');
  });
});
