import type { ProgressEvent, ProgressListener } from '../core/events.js';
import { useColor } from './output.js';

/** What the renderer writes to: stderr, or a test's stand-in. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  color?: boolean;
  /** Milliseconds, for throttling redraws; injected by tests. */
  now?: () => number;
}

/** Redraws at most this often; the last state is always drawn when a layer finishes. */
const REDRAW_MS = 80;
/** More layers than this are summed up in one line instead of a line each. */
const MAX_LAYER_LINES = 12;

interface LayerRow {
  index: number;
  diffId: string;
  digest?: string;
  state: 'downloading' | 'reading' | 'cached' | 'done';
  downloaded?: number;
  downloadTotal?: number;
  entries: number;
  bytes: number;
}

/**
 * Progress on stderr, only on a terminal and without --quiet: a line per layer (download bytes of its total while a
 * registry blob downloads, then files and bytes read, or "cached" when its result came from the layer cache) under a
 * line for the image, redrawn in place. No colour with NO_COLOR. Nothing at all when stderr is not a terminal.
 */
export function progressRenderer(quiet: boolean, options: ProgressOptions = {}): { listener?: ProgressListener; done(): void } {
  const stream = options.stream ?? process.stderr;
  if (quiet || !stream.isTTY) return { done() {} };
  const color = options.color ?? useColor(process.stderr);
  const now = options.now ?? (() => Date.now());
  const paint = (code: string, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

  let title = '';
  let status = '';
  let total = 0;
  const rows = new Map<number, LayerRow>();
  const byDigest = new Map<string, LayerRow>();
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;

  const lines = (): string[] => {
    const width = Math.max(40, (stream.columns ?? 80) - 1);
    const out: string[] = [];
    if (title) out.push(title);
    const all = [...rows.values()].sort((a, b) => a.index - b.index);
    const finished = all.filter((r) => r.state === 'cached' || r.state === 'done').length;
    const cached = all.filter((r) => r.state === 'cached').length;
    const shown = all.length <= MAX_LAYER_LINES ? all : all.filter((r) => r.state === 'downloading' || r.state === 'reading');
    if (all.length > MAX_LAYER_LINES) out.push(`layers: ${finished}/${total} done${cached ? `, ${cached} from cache` : ''}`);
    for (const row of shown) out.push(layerLine(row, total, width, paint));
    if (status) out.push(status);
    return out.map((l) => clip(l, width));
  };

  const draw = (force: boolean): void => {
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    const next = lines();
    let text = drawnLines > 1 ? `\x1b[${drawnLines - 1}A` : '';
    text += '\r';
    for (let i = 0; i < Math.max(next.length, drawnLines); i++) {
      if (i > 0) text += '\n';
      text += `\x1b[2K${next[i] ?? ''}`;
    }
    // Lines no longer needed were blanked; go back up to the last one in use.
    const extra = Math.max(0, drawnLines - next.length);
    if (extra > 0) text += `\x1b[${extra}A`;
    stream.write(text);
    drawnLines = Math.max(1, next.length);
  };

  const rowFor = (event: { index?: number; digest?: string }): LayerRow | undefined =>
    (event.index !== undefined ? rows.get(event.index) : undefined) ?? (event.digest !== undefined ? byDigest.get(event.digest) : undefined);

  const listener = (event: ProgressEvent): void => {
    switch (event.type) {
      case 'image-opened':
        title = `${event.reference}: ${event.layers} ${event.layers === 1 ? 'layer' : 'layers'}`;
        total = event.layers;
        draw(true);
        return;
      case 'layer-start': {
        total = event.total;
        const row: LayerRow = { index: event.index, diffId: event.diffId, state: 'reading', entries: 0, bytes: 0 };
        if (event.digest !== undefined) {
          row.digest = event.digest;
          byDigest.set(event.digest, row);
        }
        if (event.size !== undefined) row.downloadTotal = event.size;
        rows.set(event.index, row);
        draw(false);
        return;
      }
      case 'blob-download': {
        const row = rowFor(event);
        if (!row || row.state === 'cached' || row.state === 'done') return;
        row.state = 'downloading';
        row.downloaded = event.bytes;
        if (event.total !== undefined) row.downloadTotal = event.total;
        if (event.total !== undefined && event.bytes >= event.total) row.state = 'reading';
        draw(false);
        return;
      }
      case 'layer-progress': {
        const row = rows.get(event.index);
        if (!row) return;
        row.state = 'reading';
        row.entries = event.entries;
        row.bytes = event.bytes;
        draw(false);
        return;
      }
      case 'layer-done': {
        const row = rows.get(event.index);
        if (!row) return;
        row.state = event.cached ? 'cached' : 'done';
        row.entries = event.entries;
        draw(true);
        return;
      }
      case 'extract-done':
        status = `${event.extractor}: ${event.packages} ${event.packages === 1 ? 'package' : 'packages'}`;
        draw(false);
        return;
    }
  };

  return {
    listener,
    done() {
      if (drawnLines === 0) return;
      // Leave stderr as it was: blank every line drawn, cursor back at the first.
      let text = drawnLines > 1 ? `\x1b[${drawnLines - 1}A` : '';
      text += '\r';
      for (let i = 0; i < drawnLines; i++) text += `${i > 0 ? '\n' : ''}\x1b[2K`;
      if (drawnLines > 1) text += `\x1b[${drawnLines - 1}A`;
      stream.write(`${text}\r`);
      drawnLines = 0;
    },
  };
}

function layerLine(row: LayerRow, total: number, width: number, paint: (code: string, text: string) => string): string {
  const name = `layer ${String(row.index + 1).padStart(String(total).length)}/${total} ${row.diffId.slice(7, 19)}`;
  switch (row.state) {
    case 'cached':
      return `${name}  ${paint('32', 'cached')}  ${count(row.entries)} entries`;
    case 'done':
      return `${name}  ${paint('2', 'read')}    ${count(row.entries)} entries`;
    case 'downloading': {
      const got = row.downloaded ?? 0;
      const of = row.downloadTotal;
      const figures = of ? `${mib(got)}/${mib(of)} MiB` : `${mib(got)} MiB`;
      const barWidth = Math.max(10, Math.min(30, width - name.length - figures.length - 16));
      return `${name}  download ${of ? bar(got / of, barWidth) : ''} ${figures}`;
    }
    case 'reading':
      return `${name}  reading  ${count(row.entries)} entries, ${mib(row.bytes)} MiB`;
  }
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Cut a line to the terminal width, so that a wrapped line never breaks the cursor arithmetic. */
function clip(line: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = line.replace(/\x1b\[[0-9;]*m/g, '');
  if (visible.length <= width) return line;
  return `${visible.slice(0, width - 1)}…`;
}
