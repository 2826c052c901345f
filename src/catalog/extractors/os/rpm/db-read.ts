/** One header blob as a package database stores it, with its instance number (rpm's `%{DBINSTANCE}`). */
export interface HeaderRecord {
  instance: number;
  blob: Buffer;
}

/**
 * What a database reader returns: the header blobs it could read and the problems it met on the way, or, when the
 * file is not a database of its kind at all, one reason. Readers never throw on bad bytes.
 */
export type DbReadResult =
  | { ok: true; records: HeaderRecord[]; problems: string[] }
  | { ok: false; reason: string };

/** Thrown inside a reader to stop with a reason; readers turn it into `{ ok: false }`. */
export class DbFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DbFormatError';
  }
}

/** Run a database reader that signals bad bytes with DbFormatError, turning that into a result; other errors are bugs. */
export function catchFormatErrors(read: (bytes: Buffer) => DbReadResult, bytes: Buffer): DbReadResult {
  try {
    return read(bytes);
  } catch (error) {
    if (error instanceof DbFormatError) return { ok: false, reason: error.message };
    throw error;
  }
}

