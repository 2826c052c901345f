/** Reading status files and per-package file lists out of a FileView; shared by the dpkg and opkg extractors. */
import type { ExtractContext } from '../../../extractor.js';
import type { ExtractedPackage, FileDigest } from '../../../../core/model.js';
import { issueSink } from '../../../issue-sink.js';
import { mergeOwnedFiles, parseListFile, parseMd5sums, type Conffile } from './owned-files.js';
import { parseStanzas } from './stanza.js';
import { packageFromStanza, type StanzaOptions } from './stanza-package.js';

export interface FoundPackage {
  pkg: ExtractedPackage;
  conffiles: Conffile[];
}

/** Installed packages of one status file (all paragraphs), in file order. Nothing when the file is absent. */
export function readStatusFile(ctx: ExtractContext, path: string, options: Omit<StanzaOptions, 'evidence'>): FoundPackage[] {
  const content = ctx.view.read(path);
  if (content === undefined) return [];
  const sink = issueSink(ctx.issue, path);
  const found: FoundPackage[] = [];
  for (const stanza of parseStanzas(content.toString('utf8'), sink.report)) {
    const result = packageFromStanza(stanza, { ...options, evidence: path }, sink.report);
    if (result !== undefined) found.push(result);
  }
  sink.close();
  return found;
}

/** Per-file parse results, so a file shared by two lookups is parsed (and reported) once. */
export class FileLists {
  private readonly lists = new Map<string, string[] | undefined>();
  private readonly sums = new Map<string, Map<string, FileDigest> | undefined>();

  constructor(private readonly ctx: ExtractContext) {}

  list(path: string): string[] | undefined {
    if (!this.lists.has(path)) this.lists.set(path, this.parse(path, parseListFile));
    return this.lists.get(path);
  }

  md5sums(path: string): Map<string, FileDigest> | undefined {
    if (!this.sums.has(path)) this.sums.set(path, this.parse(path, parseMd5sums));
    return this.sums.get(path);
  }

  private parse<T>(path: string, parse: (text: string, report: (reason: string) => void) => T): T | undefined {
    const content = this.ctx.view.read(path);
    if (content === undefined) return undefined;
    const sink = issueSink(this.ctx.issue, path);
    const result = parse(content.toString('utf8'), sink.report);
    sink.close();
    return result;
  }
}

/** Set `ownedFiles` from whatever sources exist; left undefined when the database says nothing about files. */
export function attachOwnedFiles(
  found: FoundPackage,
  listed: readonly string[] | undefined,
  digests: ReadonlyMap<string, FileDigest> | undefined,
): void {
  if (listed === undefined && digests === undefined && found.conffiles.length === 0) return;
  found.pkg.ownedFiles = mergeOwnedFiles(listed ?? [], digests ?? new Map(), found.conffiles);
}

function compare(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Deterministic order: name, then architecture, then version (as text), then evidence path. */
export function sortPackages(packages: ExtractedPackage[]): ExtractedPackage[] {
  return packages.sort(
    (a, b) =>
      compare(a.name, b.name) || compare(a.arch, b.arch) || compare(a.version, b.version) || compare(a.evidence, b.evidence),
  );
}
