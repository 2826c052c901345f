import { createHash } from 'node:crypto';
import type { ExecutableFacts } from '../core/model.js';
import { bufferSource, elfSummaryFrom, isElf, machineName, type ByteSource } from './elf/index.js';

/** Executables and libraries larger than this are listed without being read (and so without a sha256). */
export const MAX_EXECUTABLE_BYTES = 512 * 1024 * 1024;

/**
 * A file that only this report wants and that is larger than this is hashed as it streams by, keeping just its
 * first bytes for classification, so a 100 MB shared library never sits in memory whole.
 */
export const EXECUTABLE_HEAD_BYTES = 1024 * 1024;

const BIN_SEGMENTS = new Set(['bin', 'sbin', 'libexec']);

/**
 * Is this regular file worth reading as a possible executable or shared library? Anything with an execute bit,
 * and `*.so`/`*.so.N` files (libraries are often not executable). Cheap: runs for every file of every layer.
 */
export function isExecutableCandidate(path: string, mode: number, size: number): boolean {
  if (size < 4) return false;
  if (mode & 0o111) return true;
  const slash = path.lastIndexOf('/');
  const base = slash < 0 ? path : path.slice(slash + 1);
  return base.endsWith('.so') || base.includes('.so.');
}

export interface ExecutableRecord extends ExecutableFacts {
  sha256: string;
}

/**
 * Classify a candidate: an ELF file (by magic), or a `#!` script in a bin directory. Anything else (text files
 * that happen to be executable, data) gives undefined.
 */
export function analyseExecutable(path: string, bytes: Buffer): ExecutableRecord | undefined {
  const facts = classifyExecutable(path, bufferSource(bytes), true);
  return facts && { ...facts, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The same for a whole file read through a byte source (kept in the chunks it was streamed in), hashed by the
 * caller as it streamed: the same classification as `analyseExecutable` of the joined bytes.
 */
export function analyseExecutableFrom(path: string, source: ByteSource, sha256: string): ExecutableRecord | undefined {
  const facts = classifyExecutable(path, source, true);
  return facts && { ...facts, sha256 };
}

/** The same for a file read as a stream: hashed chunk by chunk, classified from its first bytes. */
export async function analyseExecutableStream(path: string, chunks: AsyncIterable<Buffer>): Promise<ExecutableRecord | undefined> {
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    if (headBytes < EXECUTABLE_HEAD_BYTES) {
      head.push(chunk);
      headBytes += chunk.length;
    }
  }
  const facts = classifyExecutable(path, bufferSource(Buffer.concat(head).subarray(0, EXECUTABLE_HEAD_BYTES)), false);
  return facts && { ...facts, sha256: hash.digest('hex') };
}

/**
 * An ELF file (by magic), or a `#!` script in a bin directory; anything else (text files that happen to be
 * executable, data) gives undefined. `complete` says whether `source` is the whole file or only its head.
 */
function classifyExecutable(path: string, source: ByteSource, complete: boolean): ExecutableFacts | undefined {
  // A `#!` line counts up to its first 256 bytes.
  const bytes = source.read(0, Math.min(source.length, 256)) ?? Buffer.alloc(0);
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const summary = elfSummaryFrom(source) ?? (complete ? undefined : elfHeadSummary(path, source.read(0, source.length)!));
    const facts: ExecutableFacts = { format: 'elf', elfType: summary?.type ?? 'other' };
    if (summary?.machine) facts.machine = summary.machine;
    if (summary?.interpreter) facts.interpreter = summary.interpreter;
    return facts;
  }
  if (bytes[0] === 0x23 && bytes[1] === 0x21 && inBinDirectory(path)) {
    const end = bytes.indexOf(0x0a);
    const line = bytes.toString('utf8', 2, Math.min(end < 0 ? bytes.length : end, 256)).trim();
    const facts: ExecutableFacts = { format: 'script' };
    const interpreter = line.split(/\s+/)[0];
    if (interpreter) facts.shebang = interpreter;
    return facts;
  }
  return undefined;
}

const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;
const PT_INTERP = 3;

/**
 * What the ELF header and program headers in the first bytes of a large file say, for when the whole file was not
 * kept (its dynamic section, which tells a PIE from a library, may lie far beyond): ET_DYN counts as a shared
 * library when its name says so or it has no interpreter, as an executable otherwise.
 */
function elfHeadSummary(path: string, head: Buffer): { type: ExecutableFacts['elfType'] & string; machine: string; interpreter?: string } | undefined {
  if (!isElf(head) || head.length < 64) return undefined;
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  const u16 = (o: number): number => (little ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number): number => (little ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const word = (o: number): number => (is64 ? Number(little ? head.readBigUInt64LE(o) : head.readBigUInt64BE(o)) : u32(o));
  const type = u16(16);
  const machine = machineName(u16(18));
  const phoff = word(is64 ? 32 : 28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  let interpreter: string | undefined;
  for (let i = 0; i < phnum && phentsize >= (is64 ? 56 : 32); i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > head.length) break;
    if (u32(at) !== PT_INTERP) continue;
    const offset = word(at + (is64 ? 8 : 4));
    const size = word(at + (is64 ? 32 : 16));
    if (offset + size <= head.length && size > 1 && size < 4096) interpreter = head.toString('latin1', offset, offset + size).replace(/\0+$/, '');
  }
  const base = path.slice(path.lastIndexOf('/') + 1);
  const kind =
    type === ET_EXEC ? 'executable'
    : type === ET_DYN ? (interpreter && !base.includes('.so') ? 'executable' : 'shared-library')
    : type === ET_REL ? 'relocatable'
    : type === ET_CORE ? 'core'
    : 'other';
  return { type: kind, machine, ...(interpreter ? { interpreter } : {}) };
}

function inBinDirectory(path: string): boolean {
  const parts = path.split('/');
  parts.pop();
  return parts.some((p) => BIN_SEGMENTS.has(p));
}
