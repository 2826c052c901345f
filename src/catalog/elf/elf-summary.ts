import { bufferSource, dynamicEntries, ET_CORE, ET_DYN, ET_EXEC, ET_REL, interpreterOf, readElfFrom, type ByteSource, type ElfFile } from './read-elf.js';

/** What kind of ELF file this is, the way a person would say it (a PIE is an executable, not a library). */
export type ElfKind = 'executable' | 'shared-library' | 'relocatable' | 'core' | 'other';

export interface ElfSummary {
  type: ElfKind;
  /** PT_INTERP, e.g. `/lib64/ld-linux-x86-64.so.2`; absent for static binaries, libraries without one, objects. */
  interpreter?: string;
  /** Short architecture name (`x86-64`, `aarch64`, `arm`, `x86`…), or `machine-<n>` for one we do not name. */
  machine: string;
}

const DT_SONAME = 14;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;

/**
 * A summary of an ELF file, or undefined when `bytes` is not a readable ELF file. Never throws.
 *
 * @example
 * elfSummary(readFileSync('/bin/ls'));
 * // { type: 'executable', interpreter: '/lib64/ld-linux-x86-64.so.2', machine: 'x86-64' }
 */
export function elfSummary(bytes: Buffer): ElfSummary | undefined {
  return elfSummaryFrom(bufferSource(bytes));
}

/** `elfSummary` of a file read through a byte source (a large binary kept as the chunks it was streamed in). */
export function elfSummaryFrom(source: ByteSource): ElfSummary | undefined {
  const result = readElfFrom(source);
  if (!result.ok) return undefined;
  const { elf } = result;
  const interpreter = interpreterOf(elf, source);
  const summary: ElfSummary = { type: kindOf(elf, source, interpreter), machine: machineName(elf.header.machine) };
  if (interpreter !== undefined) summary.interpreter = interpreter;
  return summary;
}

/**
 * ET_DYN is both shared libraries and position-independent executables. Like `file(1)` and readelf, trust
 * DF_1_PIE first; without it (older linkers) a file with an interpreter and no soname is an executable.
 * glibc's libc.so.6 has an interpreter (it runs) and a soname, so it stays a library.
 */
function kindOf(elf: ElfFile, bytes: ByteSource, interpreter: string | undefined): ElfKind {
  switch (elf.header.type) {
    case ET_REL:
      return 'relocatable';
    case ET_EXEC:
      return 'executable';
    case ET_CORE:
      return 'core';
    case ET_DYN: {
      const dynamic = dynamicEntries(elf, bytes);
      const flags1 = dynamic.find((d) => d.tag === DT_FLAGS_1)?.value ?? 0;
      if ((flags1 & DF_1_PIE) !== 0) return 'executable';
      const hasSoname = dynamic.some((d) => d.tag === DT_SONAME);
      return interpreter !== undefined && !hasSoname ? 'executable' : 'shared-library';
    }
    default:
      return 'other';
  }
}

/** e_machine values (gABI "Machine Information") with the names Linux distributions use for them. */
const MACHINES: Record<number, string> = {
  2: 'sparc',
  3: 'x86',
  4: 'm68k',
  8: 'mips',
  15: 'parisc',
  18: 'sparc32plus',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  42: 'sh',
  43: 'sparcv9',
  50: 'ia64',
  62: 'x86-64',
  183: 'aarch64',
  243: 'riscv',
  247: 'bpf',
  258: 'loongarch',
};

/** The short name of an e_machine value, `machine-<n>` when unknown. */
export function machineName(machine: number): string {
  return MACHINES[machine] ?? `machine-${machine}`;
}
