/**
 * A small, bounds-checked ELF reader (32/64-bit, both byte orders) for extractors that look inside executables
 * (Go build info, Rust cargo-auditable data) and for the report of executables no package owns.
 * - `elfSummary(bytes)`: executable / shared-library / relocatable / core / other, interpreter, machine.
 * - `readElf(bytes)`: header, program headers and named sections, or a reason the file is malformed.
 * - `readElfFrom(source)`, `elfSummaryFrom(source)`: the same through a `ByteSource` (a file kept in chunks).
 * - `findSection`, `sectionBytes`, `segmentBytes`, `readVirtual`, `interpreterOf`, `dynamicEntries` read parts of it.
 * Nothing here throws on malformed input.
 */
export { elfSummary, elfSummaryFrom, machineName, type ElfKind, type ElfSummary } from './elf-summary.js';
export {
  bufferSource,
  dynamicEntries,
  findSection,
  interpreterOf,
  isElf,
  readElf,
  readElfFrom,
  readVirtual,
  sectionBytes,
  segmentBytes,
  ET_CORE,
  ET_DYN,
  ET_EXEC,
  ET_REL,
  PF_R,
  PF_W,
  PF_X,
  PT_DYNAMIC,
  PT_INTERP,
  PT_LOAD,
  SHT_NOBITS,
  type ByteSource,
  type ElfFile,
  type ElfHeader,
  type ElfProgramHeader,
  type ElfReadResult,
  type ElfSection,
} from './read-elf.js';
