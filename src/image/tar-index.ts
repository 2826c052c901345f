import { open, type FileHandle } from 'node:fs/promises';
import { GroutError } from '../core/errors.js';
import { normaliseImagePath, parentOf } from '../core/paths.js';

/**
 * An index of an uncompressed tar file on disk (a `docker save` or OCI archive), built by reading only the
 * 512-byte headers and seeking over the data, so a multi-gigabyte archive is indexed in milliseconds and its
 * members can then be streamed by byte range without extracting anything.
 */
export interface TarMember {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** Offset of the member's data in the archive. */
  offset: number;
  size: number;
  linkTarget?: string;
}

const BLOCK = 512;
const MAX_MEMBERS = 200_000;
const MAX_META_BYTES = 1 << 20;

export async function indexTar(file: string): Promise<Map<string, TarMember>> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw new GroutError('E_IMAGE_NOT_FOUND', `cannot open ${file}: ${(cause as Error).message}`, { file, cause });
  }
  try {
    const { size: fileSize } = await handle.stat();
    return await readMembers(handle, file, fileSize);
  } finally {
    await handle.close();
  }
}

async function readMembers(handle: FileHandle, file: string, fileSize: number): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  const bad = (reason: string): GroutError =>
    new GroutError('E_IMAGE_FORMAT', `${file}: not a valid tar archive (${reason} at byte ${offset})`, { file });

  while (offset + BLOCK <= fileSize) {
    const { bytesRead } = await handle.read(header, 0, BLOCK, offset);
    if (bytesRead < BLOCK) throw bad('truncated header');
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) throw bad('bad header checksum');
    const size = parseNumber(header.subarray(124, 136));
    if (size === undefined || size < 0) throw bad('bad size field');
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > fileSize) throw bad('member runs past the end of the file');
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_META_BYTES) throw bad('oversized extended header');
      const data = Buffer.alloc(size);
      await handle.read(data, 0, size, dataOffset);
      if (typeflag === 'x') pax = parsePax(data);
      else if (typeflag === 'L') longName = cString(data);
      else longLink = cString(data);
      offset = next;
      continue;
    }
    if (typeflag !== 'g') {
      const prefix = isUstar(header) ? cString(header.subarray(345, 500)) : '';
      const shortName = cString(header.subarray(0, 100));
      const rawName = pax['path'] ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
      const rawLink = pax['linkpath'] ?? longLink ?? cString(header.subarray(157, 257));
      const realSize = pax['size'] !== undefined ? Number(pax['size']) : size;
      const path = normaliseImagePath(rawName, file);
      if (path !== undefined) {
        if (members.size >= MAX_MEMBERS) throw bad(`more than ${MAX_MEMBERS} members`);
        const type = memberType(typeflag);
        const member: TarMember = { path, type, offset: dataOffset, size: type === 'file' ? realSize : 0 };
        if (type === 'symlink') member.linkTarget = rawLink;
        if (type === 'hardlink') {
          const target = normaliseImagePath(rawLink, file);
          if (target !== undefined) member.linkTarget = target;
        }
        members.set(path, member);
      }
    }
    longName = undefined;
    longLink = undefined;
    pax = {};
    offset = next;
  }
  return members;
}

/** Follow symlinks and hard links inside the archive (e.g. `<id>/layer.tar -> ../<diffid>.tar`) to a regular file. */
export function resolveMember(members: Map<string, TarMember>, path: string, archive: string): TarMember | undefined {
  let current = path;
  for (let hops = 0; hops < 16; hops++) {
    const member = members.get(current);
    if (member === undefined) return undefined;
    if (member.type === 'file') return member;
    if (member.linkTarget === undefined || (member.type !== 'symlink' && member.type !== 'hardlink')) return undefined;
    const target = member.type === 'symlink' && !member.linkTarget.startsWith('/')
      ? `${parentOf(current)}/${member.linkTarget}`
      : member.linkTarget;
    const next = normaliseImagePath(target, archive);
    if (next === undefined) return undefined;
    current = next;
  }
  throw new GroutError('E_IMAGE_FORMAT', `${archive}: link loop at ${path}`, { file: archive });
}

function memberType(flag: string): TarMember['type'] {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString('utf8', 0, end < 0 ? buf.length : end);
}

function isUstar(header: Buffer): boolean {
  return header.toString('latin1', 257, 262) === 'ustar';
}

/** Octal, or GNU base-256 for sizes of 8 GiB and more. */
function parseNumber(field: Buffer): number | undefined {
  if ((field[0] ?? 0) & 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = cString(field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = parseNumber(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return stored === sum;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const length = parseInt(data.toString('latin1', pos, space), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || pos + length > data.length) break;
    const record = data.toString('utf8', space + 1, pos + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}
