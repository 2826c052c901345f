import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GroutError } from '../core/errors.js';

/**
 * Write results to stdout, or to a file atomically (a reader never sees half a report). The text may come in pieces
 * (a large JSON inventory), written as they are made so the whole text is never held at once.
 */
export async function writeOutput(text: string | Iterable<string>, file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') {
    for (const piece of pieces(text)) {
      await new Promise<void>((resolve, reject) => process.stdout.write(piece, (err) => (err ? reject(err) : resolve())));
    }
    return;
  }
  if (file === '/dev/null' || file.startsWith('/dev/')) {
    await writeAll(file, text);
    return;
  }
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeAll(temp, text);
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new GroutError('E_IO', `cannot write ${file}: ${(cause as Error).message}`, { file, cause });
  }
}

function pieces(text: string | Iterable<string>): Iterable<string> {
  return typeof text === 'string' ? [text] : text;
}

async function writeAll(path: string, text: string | Iterable<string>): Promise<void> {
  if (typeof text === 'string') {
    await writeFile(path, text);
    return;
  }
  const handle = await open(path, 'w');
  try {
    // writeFile, not write: it writes the whole piece from the current position, looping over short writes.
    for (const piece of text) await handle.writeFile(piece);
  } finally {
    await handle.close();
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '') && process.env['TERM'] !== 'dumb';
}
