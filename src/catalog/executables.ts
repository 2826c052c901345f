import { createHash } from 'node:crypto';
import type { ExecutableFacts } from '../core/model.js';
import { elfSummary } from './elf/index.js';

/** Executables and libraries larger than this are listed without being read (and so without a sha256). */
export const MAX_EXECUTABLE_BYTES = 512 * 1024 * 1024;

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
  let facts: ExecutableFacts | undefined;
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const summary = elfSummary(bytes);
    facts = { format: 'elf', elfType: summary?.type ?? 'other' };
    if (summary?.machine) facts.machine = summary.machine;
    if (summary?.interpreter) facts.interpreter = summary.interpreter;
  } else if (bytes[0] === 0x23 && bytes[1] === 0x21 && inBinDirectory(path)) {
    const end = bytes.indexOf(0x0a);
    const line = bytes.toString('utf8', 2, Math.min(end < 0 ? bytes.length : end, 256)).trim();
    facts = { format: 'script' };
    const interpreter = line.split(/\s+/)[0];
    if (interpreter) facts.shebang = interpreter;
  }
  if (!facts) return undefined;
  return { ...facts, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function inBinDirectory(path: string): boolean {
  const parts = path.split('/');
  parts.pop();
  return parts.some((p) => BIN_SEGMENTS.has(p));
}
