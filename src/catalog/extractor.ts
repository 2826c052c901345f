import type { Distro, ExtractedPackage } from '../core/model.js';

/**
 * The files an extractor asked for, as one state of the image shows them (the merged view after some layer).
 * Paths never start with a slash and are normalised: `var/lib/dpkg/status`.
 */
export interface FileView {
  /** Content of a wanted file, or undefined when it is absent, was not wanted, or exceeded the size cap. */
  read(path: string): Buffer | undefined;
  /** Every wanted path present in this view, sorted. */
  paths(): readonly string[];
}

export interface ExtractContext {
  view: FileView;
  /** The distribution detected in the same view, when known. */
  distro: Distro | undefined;
  /** Record a non-fatal problem with an in-image path; extraction goes on with the rest. */
  issue(path: string, reason: string): void;
  /**
   * Only package coordinates (ecosystem, name, version, arch, evidence) are needed — the catalog is finding out
   * which layer introduced each package — so owned files, licences and other detail may be skipped.
   */
  identityOnly?: boolean;
}

/**
 * An extractor: a cheap path predicate to pick files during the single pass over the layers, and a pure parse
 * of the files it picked. Listed in `catalog/extractors/index.ts`; never registered by side effect.
 */
export interface Extractor {
  /** Group and name, e.g. os/dpkg. */
  readonly name: string;
  /** Bump when the output for the same input changes: cached per-layer results are keyed by it. */
  readonly version: number;
  /** Largest file the extractor accepts; a larger one is recorded as an issue and not read. */
  readonly maxFileBytes: number;
  /** Cheap, synchronous: does this extractor want the file at `path` (no leading slash)? */
  wants(path: string): boolean;
  /**
   * Parse the wanted files of one view. Throwing is for bugs only: bad input is reported with `ctx.issue` and the
   * packages that could be read are returned.
   */
  extract(ctx: ExtractContext): ExtractedPackage[] | Promise<ExtractedPackage[]>;
}

/** One wanted file, handed to a file extractor during the pass over a layer. */
export interface ExtractedFile {
  /** In-image path, no leading slash. */
  path: string;
  bytes: Buffer;
  mode: number;
}

export interface FileExtractContext {
  /** Record a non-fatal problem with an in-image path; extraction goes on with the rest. */
  issue(path: string, reason: string): void;
}

/**
 * An extractor whose packages come from single files (a package.json, a jar, a Go binary): each wanted file is
 * parsed while its layer streams by and only the packages are kept, never the bytes, so images full of large
 * artefacts stay within memory bounds. Whiteouts and overwrites in upper layers remove a file's packages with it;
 * each package belongs to the layer that wrote its file.
 */
export interface FileExtractor {
  readonly name: string;
  readonly version: number;
  /** Largest file the extractor accepts; a larger one is recorded as an issue and not read. */
  readonly maxFileBytes: number;
  /**
   * Cheap, synchronous: does this extractor want the regular file at `path` (no leading slash)? `info` gives its
   * permission bits and size, for extractors that look at executables wherever they are (Go, Rust binaries).
   */
  wants(path: string, info: { mode: number; size: number }): boolean;
  /**
   * Byte strings at least one of which is in every file this extractor reports anything on (Go's build info
   * magic). A large file wanted only by extractors with signatures is streamed through a search for them and read
   * into memory only when one turns up (catalog/screen-file.ts); a file without any is not passed to the extractor.
   */
  readonly signatures?: readonly Buffer[];
  /** Parse one file. Bad input is reported with `ctx.issue`; throwing is for bugs only. */
  extractFile(file: ExtractedFile, ctx: FileExtractContext): ExtractedPackage[] | Promise<ExtractedPackage[]>;
}

export type AnyExtractor = Extractor | FileExtractor;

export function isFileExtractor(extractor: AnyExtractor): extractor is FileExtractor {
  return 'extractFile' in extractor;
}

/** Extractor id as results record it: `os/dpkg@1`. */
export function extractorId(extractor: Pick<Extractor, 'name' | 'version'>): string {
  return `${extractor.name}@${extractor.version}`;
}
