/** Safe streaming of the tar inside a .deb member: every entry checked before it is handed out. */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { GroutError, isGroutError } from '../../core/errors.js';

/** One entry of a .deb's data or control tar. */
export interface DebEntry {
  /** Normalised: no `./` or leading slash, no trailing slash; `''` for the root entry `./`. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: Date;
  /** Bytes of a regular file; 0 otherwise. */
  size: number;
  /** Symlink target as written (may be absolute); for a hard link, the normalised path of the linked file. */
  linkTarget?: string;
  /** The file's bytes. Call at most once, before asking for the next entry. */
  read(): Promise<Buffer>;
  /** The same bytes as chunks; use this or `read`, not both. */
  stream(): AsyncIterable<Buffer>;
}

export interface DebTarLimits {
  /** Largest single file (default 2 GiB). */
  maxEntryBytes: number;
  /** Most entries (default 1,000,000). */
  maxEntries: number;
}

export const defaultDebTarLimits: DebTarLimits = { maxEntryBytes: 2 * 1024 ** 3, maxEntries: 1_000_000 };
const MAX_PATH = 4096;

/**
 * Stream the entries of a tar. Throws a GroutError naming `where` on an unsafe name (absolute, `..`), a hard link
 * out of the tree, a device node or fifo, an oversized entry or a malformed archive.
 */
export async function* readDebTar(input: Readable, where: string, limits: DebTarLimits = defaultDebTarLimits): AsyncGenerator<DebEntry> {
  const extract = tarExtract();
  let failure: unknown;
  const done = pipeline(input, extract).catch((err: unknown) => {
    failure ??= err;
  });
  let count = 0;
  try {
    for await (const entry of extract) {
      count += 1;
      if (count > limits.maxEntries) throw new GroutError('E_TOO_LARGE', `${where}: more than ${limits.maxEntries} entries`, { file: where });
      let consumed = false;
      const chunks = entry as unknown as AsyncIterable<Buffer>;
      const mapped = mapHeader(entry.header, where, limits, {
        read: () => {
          consumed = true;
          return collect(chunks);
        },
        stream: () => {
          consumed = true;
          return chunks;
        },
      });
      if (mapped !== undefined) yield mapped;
      if (!consumed) entry.resume();
    }
  } catch (err) {
    failure ??= err;
    input.destroy();
  }
  await done;
  if (failure !== undefined) {
    if (isGroutError(failure)) throw failure;
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new GroutError('E_INPUT_FORMAT', `${where}: cannot read the archive: ${message}`, { file: where, cause: failure, hint: 'the .deb is corrupt or truncated' });
  }
}

/** Normalise a member name; throws E_UNSAFE_PATH for absolute names and `..` segments. */
export function normaliseDebPath(raw: string, where: string): string {
  if (raw.length > MAX_PATH) throw new GroutError('E_UNSAFE_PATH', `${where}: an entry name is longer than ${MAX_PATH} characters`, { file: where });
  if (raw.startsWith('/')) throw new GroutError('E_UNSAFE_PATH', `${where}: entry ${JSON.stringify(raw)} is an absolute path`, { file: where });
  const parts: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw new GroutError('E_UNSAFE_PATH', `${where}: entry ${JSON.stringify(raw)} climbs out of the tree`, { file: where });
    if (segment.includes('\0')) throw new GroutError('E_UNSAFE_PATH', `${where}: entry ${JSON.stringify(raw)} holds a NUL byte`, { file: where });
    parts.push(segment);
  }
  return parts.join('/');
}

function mapHeader(
  header: Header,
  where: string,
  limits: DebTarLimits,
  content: { read(): Promise<Buffer>; stream(): AsyncIterable<Buffer> },
): DebEntry | undefined {
  const path = normaliseDebPath(header.name, where);
  let type: DebEntry['type'];
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      type = 'file';
      break;
    case 'directory':
      type = 'dir';
      break;
    case 'symlink':
      type = 'symlink';
      break;
    case 'link':
      type = 'hardlink';
      break;
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw new GroutError('E_UNSAFE_PATH', `${where}: entry ${JSON.stringify(header.name)} is a ${header.type}; packages may not ship device nodes`, { file: where });
    default:
      return undefined; // PAX/GNU bookkeeping is folded into the next header by tar-stream
  }
  const size = type === 'file' ? (header.size ?? 0) : 0;
  if (size > limits.maxEntryBytes) {
    throw new GroutError('E_TOO_LARGE', `${where}: entry ${JSON.stringify(header.name)} is ${size} bytes, more than ${limits.maxEntryBytes}`, { file: where });
  }
  const entry: DebEntry = {
    path,
    type,
    mode: (header.mode ?? 0o644) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    uname: header.uname ?? '',
    gname: header.gname ?? '',
    mtime: header.mtime ?? new Date(0),
    size,
    read: content.read,
    stream: content.stream,
  };
  if (type === 'symlink') {
    const target = header.linkname ?? '';
    if (target === '' || target.includes('\0')) throw new GroutError('E_UNSAFE_PATH', `${where}: symlink ${JSON.stringify(header.name)} has no valid target`, { file: where });
    entry.linkTarget = target;
  } else if (type === 'hardlink') {
    const target = normaliseDebPath(header.linkname ?? '', where);
    if (target === '') throw new GroutError('E_UNSAFE_PATH', `${where}: hard link ${JSON.stringify(header.name)} has no target`, { file: where });
    entry.linkTarget = target;
  }
  return entry;
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
