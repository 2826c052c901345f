/**
 * The `ar` container of a .deb: `!<arch>\n`, then per member a 60-byte header (name 16, mtime 12, uid 6, gid 6,
 * mode 8, size 10, "`\n") and the data padded to an even offset. See deb(5) and ar(5).
 */
import { open } from 'node:fs/promises';
import { GroutError } from '../../core/errors.js';

export interface ArMember {
  name: string;
  /** Byte offset of the member's data in the file. */
  offset: number;
  size: number;
}

const MAGIC = '!<arch>\n';
const HEADER_BYTES = 60;
/** A .deb has three members (a few more are tolerated: signatures, `_gpgorigin`); anything past this is hostile. */
const MAX_MEMBERS = 64;

/** Index the members of an ar archive on disk without reading their data. */
export async function readArIndex(file: string): Promise<ArMember[]> {
  const handle = await open(file, 'r').catch((err: unknown) => {
    throw new GroutError('E_IO', `${file}: cannot open the package: ${(err as Error).message}`, { file, cause: err });
  });
  try {
    const fileSize = (await handle.stat()).size;
    const magic = Buffer.alloc(MAGIC.length);
    await handle.read(magic, 0, MAGIC.length, 0);
    if (magic.toString('latin1') !== MAGIC) throw badDeb(file, 'not an ar archive (bad magic)');
    const members: ArMember[] = [];
    let pos = MAGIC.length;
    const header = Buffer.alloc(HEADER_BYTES);
    while (pos < fileSize) {
      if (members.length >= MAX_MEMBERS) throw badDeb(file, `more than ${MAX_MEMBERS} ar members`);
      const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, pos);
      if (bytesRead === 1 && header[0] === 0x0a) break; // trailing pad byte
      if (bytesRead < HEADER_BYTES) throw badDeb(file, `truncated ar member header at offset ${pos}`);
      if (header[58] !== 0x60 || header[59] !== 0x0a) throw badDeb(file, `bad ar member header at offset ${pos}`);
      const sizeText = header.toString('latin1', 48, 58).trim();
      if (!/^\d{1,10}$/.test(sizeText)) throw badDeb(file, `bad ar member size ${JSON.stringify(sizeText)} at offset ${pos}`);
      const size = Number(sizeText);
      const offset = pos + HEADER_BYTES;
      if (offset + size > fileSize) throw badDeb(file, `ar member at offset ${pos} claims ${size} bytes, beyond the end of the file`);
      let name = header.toString('latin1', 0, 16).trimEnd();
      // GNU ar ends names with '/'; the BSD long-name form (#1/<len>) is not used by dpkg-deb.
      if (name.endsWith('/') && name !== '/' && name !== '//') name = name.slice(0, -1);
      members.push({ name, offset, size });
      pos = offset + size + (size % 2);
    }
    return members;
  } finally {
    await handle.close();
  }
}

export function badDeb(file: string, reason: string, cause?: unknown): GroutError {
  return new GroutError('E_INPUT_FORMAT', `${file}: not a valid Debian package: ${reason}`, {
    file,
    hint: 'the .deb is corrupt, truncated or not a Debian binary package',
    ...(cause === undefined ? {} : { cause }),
  });
}
