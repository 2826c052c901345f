import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GroutError } from '../core/errors.js';

/** Write results to stdout, or to a file atomically (a reader never sees half a report). */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
    return;
  }
  if (file === '/dev/null' || file.startsWith('/dev/')) {
    await writeFile(file, text);
    return;
  }
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new GroutError('E_IO', `cannot write ${file}: ${(cause as Error).message}`, { file, cause });
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '') && process.env['TERM'] !== 'dumb';
}
