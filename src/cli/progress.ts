import type { ProgressListener } from '../core/events.js';

/** Progress on stderr, only on a terminal and without --quiet: one line rewritten in place. */
export function progressRenderer(quiet: boolean): { listener?: ProgressListener; done(): void } {
  const stream = process.stderr;
  if (quiet || !stream.isTTY) return { done() {} };
  let active = false;
  const show = (text: string): void => {
    stream.write(`\r\x1b[2K${text}`);
    active = true;
  };
  let finished = 0;
  return {
    listener(event) {
      switch (event.type) {
        case 'image-opened':
          show(`opened ${event.reference}: ${event.layers} layers`);
          break;
        case 'layer-start':
          show(`reading layer ${event.index + 1}/${event.total} ${event.diffId.slice(7, 19)}…`);
          break;
        case 'layer-done':
          finished++;
          show(`read ${finished}/${event.total} layers`);
          break;
        case 'extract-done':
          show(`${event.extractor}: ${event.packages} packages`);
          break;
      }
    },
    done() {
      if (active) stream.write('\r\x1b[2K');
    },
  };
}
