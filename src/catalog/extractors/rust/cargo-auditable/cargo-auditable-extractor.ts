import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import { findSection, isElf, readElf, sectionBytes } from '../../../elf/index.js';
import type { FileExtractor } from '../../../extractor.js';
import { parseAuditData } from './audit-data.js';
import { isBinaryCandidate } from '../../binary-candidate.js';

const DEP_SECTION = '.dep-v0';
const SECTION_NAME = Buffer.from(DEP_SECTION, 'latin1');

/**
 * Rust binaries built with `cargo auditable`: every crate of the `.dep-v0` section (ELF). The root crate (the
 * binary's own) has `mainModule: true`; crates the root depends on have `direct: true`; build-only dependencies
 * (build scripts, proc-macros: not linked into the binary) have `dev: true`; `resolved` is the crate's source
 * (crates.io, local, git, registry).
 *
 * Version 2: files without the section name anywhere are not examined (so an unreadable ELF file that has no such
 * section is no longer reported).
 */
export const cargoAuditableExtractor: FileExtractor = {
  name: 'rust/cargo-auditable',
  version: 2,
  maxFileBytes: 256 * 1024 * 1024,
  wants: isBinaryCandidate,
  signatures: [SECTION_NAME],
  extractFile(file, ctx) {
    if (!isElf(file.bytes) || !file.bytes.includes(SECTION_NAME)) return [];
    const parsed = readElf(file.bytes);
    if (!parsed.ok) {
      ctx.issue(file.path, `unreadable ELF file: ${parsed.reason}`);
      return [];
    }
    const section = findSection(parsed.elf, DEP_SECTION);
    if (!section) return [];
    const data = sectionBytes(file.bytes, section);
    if (!data) {
      ctx.issue(file.path, 'cargo-auditable data: .dep-v0 section lies outside the file');
      return [];
    }
    const result = parseAuditData(data);
    if (!result.ok) {
      ctx.issue(file.path, `cargo-auditable data: ${result.reason}`);
      return [];
    }
    for (const problem of result.problems) ctx.issue(file.path, `cargo-auditable data: ${problem}`);

    const { packages } = result;
    const direct = new Set<number>();
    for (const p of packages) if (p.root) for (const d of p.dependencies) direct.add(d);
    const hasRoot = packages.some((p) => p.root);
    const out: ExtractedPackage[] = [];
    packages.forEach((p, index) => {
      if (p.name === '' || p.version === '') {
        ctx.issue(file.path, `cargo-auditable data: package ${index} has no ${p.name === '' ? 'name' : 'version'}; skipped`);
        return;
      }
      const metadata: LanguageMetadata = { kind: 'language', origin: 'installed' };
      if (p.root) metadata.mainModule = true;
      else if (hasRoot) metadata.direct = direct.has(index);
      if (p.kind === 'build') metadata.dev = true;
      if (p.source !== '') metadata.resolved = p.source;
      const pkg: ExtractedPackage = { ecosystem: 'cargo', name: p.name, version: p.version, licenses: [], evidence: file.path, metadata };
      const names = [...new Set(p.dependencies.map((d) => packages[d]!.name).filter((n) => n !== ''))].sort();
      if (names.length > 0) pkg.dependsOn = names;
      out.push(pkg);
    });
    return out.sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version));
  },
};

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
