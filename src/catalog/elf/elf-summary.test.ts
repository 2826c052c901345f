/**
 * elfSummary against binutils' readelf on real files: the system's /bin/ls (PIE), glibc's libc.so.6, an object
 * file, a static and a static-pie binary compiled here (when gcc can link them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elfSummary, type ElfSummary } from './index.js';

const hasReadelf = commandWorks('readelf', ['--version']);
const hasGcc = commandWorks('gcc', ['--version']);
const work = mkdtempSync(join(tmpdir(), 'grout-elf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What readelf -h -l says, in elfSummary's terms. */
function readelfSummary(path: string): ElfSummary {
  const text = execFileSync('readelf', ['-h', '-l', '-W', path], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const typeLine = /^\s*Type:\s+(.*)$/m.exec(text)?.[1] ?? '';
  const machineLine = /^\s*Machine:\s+(.*)$/m.exec(text)?.[1] ?? '';
  const interp = /\[Requesting program interpreter: (.*)\]/.exec(text)?.[1];
  const type: ElfSummary['type'] = typeLine.startsWith('EXEC')
    ? 'executable'
    : typeLine.startsWith('DYN (Position-Independent Executable')
      ? 'executable'
      : typeLine.startsWith('DYN')
        ? 'shared-library'
        : typeLine.startsWith('REL')
          ? 'relocatable'
          : typeLine.startsWith('CORE')
            ? 'core'
            : 'other';
  const machines: Record<string, string> = {
    'Advanced Micro Devices X86-64': 'x86-64',
    AArch64: 'aarch64',
    'Intel 80386': 'x86',
    ARM: 'arm',
    'RISC-V': 'riscv',
    'IBM S/390': 's390',
    PowerPC64: 'ppc64',
  };
  const summary: ElfSummary = { type, machine: machines[machineLine] ?? machineLine };
  if (interp !== undefined) summary.interpreter = interp;
  return summary;
}

function compile(name: string, args: string[]): string | undefined {
  const src = join(work, 'hello.c');
  writeFileSync(src, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
  const out = join(work, name);
  try {
    execFileSync('gcc', [...args, '-o', out, src], { stdio: 'ignore' });
    return out;
  } catch {
    return undefined;
  }
}

describe.skipIf(!hasReadelf)('elfSummary matches readelf', () => {
  const libc = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/aarch64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6'].find(existsSync);
  const systemFiles = ['/bin/ls', ...(libc ? [libc] : [])];

  it.each(systemFiles)('%s', (path) => {
    const expected = readelfSummary(path);
    expect(elfSummary(readFileSync(path))).toEqual(expected);
  });

  it('names /bin/ls a PIE executable with the dynamic loader, and libc a shared library', () => {
    expect(elfSummary(readFileSync('/bin/ls'))).toMatchObject({ type: 'executable', interpreter: expect.stringContaining('ld-linux') });
    if (libc) expect(elfSummary(readFileSync(libc))?.type).toBe('shared-library');
  });

  it.skipIf(!hasGcc).each([
    ['object file', 'hello.o', ['-c']],
    ['dynamic PIE', 'hello-pie', ['-pie', '-fPIE']],
    ['non-PIE', 'hello-nopie', ['-no-pie']],
    ['static', 'hello-static', ['-static']],
    ['static-pie', 'hello-static-pie', ['-static-pie']],
    ['shared library', 'libhello.so', ['-shared', '-fPIC', '-Wl,-soname,libhello.so']],
  ])('%s compiled here', (_label, name, args) => {
    const path = compile(name, args);
    // Only the static kinds may be missing (no static libc installed); the others must build.
    if (path === undefined && name.includes('static')) return;
    if (path === undefined) throw new Error(`gcc could not build ${name}`);
    const expected = readelfSummary(path);
    const actual = elfSummary(readFileSync(path));
    expect(actual).toEqual(expected);
    if (name.includes('static')) expect(actual?.interpreter).toBeUndefined();
  });

  it('is undefined for non-ELF input', () => {
    expect(elfSummary(Buffer.from('#!/bin/sh\necho hi\n'))).toBeUndefined();
    expect(elfSummary(Buffer.alloc(0))).toBeUndefined();
  });
});
