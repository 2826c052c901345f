import { createHash } from 'node:crypto';
import type { ExtractedPackage, InventoryIssue, LayerRef } from '../core/model.js';
import type { LayerHandle } from '../image/index.js';
import {
  analyseExecutable,
  analyseExecutableFrom,
  analyseExecutableStream,
  EXECUTABLE_HEAD_BYTES,
  isExecutableCandidate,
  MAX_EXECUTABLE_BYTES,
  type ExecutableRecord,
} from './executables.js';
import { extractorId, type FileExtractor } from './extractor.js';
import type { NodeInput } from './file-tree.js';
import { chunkSource, joinChunks, screenFile } from './screen-file.js';

/** What the single pass does with a file: how many bytes it may read, whether to keep them, who parses them. */
export interface FileSelection {
  cap: number;
  /** Keep the bytes for the merged view (database extractors, distro detection). */
  keep: boolean;
  /** File extractors that parse the file during the pass. */
  fileExtractors: readonly FileExtractor[];
}

export interface FileSelector {
  /** undefined when nothing wants the file: the common case, so it must be cheap. */
  select(path: string, info: { mode: number; size: number }): FileSelection | undefined;
  /** Read executables and shared libraries to hash and classify them (the unowned-binaries report). */
  executables: boolean;
  /**
   * Held while a large file is buffered whole, so that layers read side by side never hold two of them at once:
   * memory stays bounded by the largest file, not by the number of layers in flight.
   */
  largeFileGate: Gate;
}

/** Files at least this large are buffered one at a time across all layers. */
export const LARGE_FILE_BYTES = 4 * 1024 * 1024;

/** A one-at-a-time lock. */
export class Gate {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

export interface ScannedNode extends NodeInput {
  path: string;
}

/** Packages a file extractor found in one file. */
export interface FoundInFile {
  extractor: FileExtractor;
  packages: ExtractedPackage[];
}

/** What one pass over one layer yields: its entries in order, the bytes of kept files, and what file extractors found. */
export interface ScannedLayer {
  ref: LayerRef;
  /** Entries in tar order: nodes, whiteouts and opaque markers. */
  changes: LayerChange[];
  contents: Map<string, Buffer>;
  found: Map<string, FoundInFile[]>;
  /** Executables and libraries of this layer, hashed and classified. */
  executables: Map<string, ExecutableRecord>;
  issues: InventoryIssue[];
}

export type LayerChange = ({ kind: 'node' } & ScannedNode) | { kind: 'whiteout' | 'opaque'; path: string };

/** How far the pass over one layer has got: entries seen, and the (uncompressed) bytes of their content. */
export interface LayerScanProgress {
  entries: number;
  bytes: number;
}

/** Progress is reported every this many entries, and every this many content bytes. */
const PROGRESS_ENTRIES = 1024;
const PROGRESS_BYTES = 32 * 1024 * 1024;

/** Stream a layer once, keeping metadata for every entry and bytes only for wanted files (each under its cap). */
export async function scanLayer(
  layer: LayerHandle,
  selector: FileSelector,
  signal?: AbortSignal,
  onProgress?: (progress: LayerScanProgress) => void,
): Promise<ScannedLayer> {
  const changes: LayerChange[] = [];
  const contents = new Map<string, Buffer>();
  const found = new Map<string, FoundInFile[]>();
  const executables = new Map<string, ExecutableRecord>();
  const issues: InventoryIssue[] = [];
  const index = layer.ref.index;
  let seen = 0;
  let bytes = 0;
  let reportedBytes = 0;
  for await (const entry of layer.entries(signal)) {
    if (onProgress) {
      seen++;
      if (entry.kind === 'node') bytes += entry.size;
      if (seen % PROGRESS_ENTRIES === 0 || bytes - reportedBytes >= PROGRESS_BYTES) {
        reportedBytes = bytes;
        onProgress({ entries: seen, bytes });
      }
    }
    if (entry.kind === 'problem') {
      issues.push({ path: entry.path, layer: index, stage: 'image', reason: entry.reason });
      continue;
    }
    if (entry.kind !== 'node') {
      changes.push({ kind: entry.kind, path: entry.path });
      continue;
    }
    const change: LayerChange = { kind: 'node', path: entry.path, type: entry.type, mode: entry.mode, size: entry.size };
    if (entry.linkTarget !== undefined) change.linkTarget = entry.linkTarget;
    changes.push(change);
    if (entry.type !== 'file' && entry.type !== 'hardlink') continue;
    const selection = selector.select(entry.path, { mode: entry.mode, size: entry.size });
    if (entry.type === 'hardlink') {
      // The same bytes under another name: reuse what the link target gave, if it was kept, parsed or hashed.
      const target = entry.linkTarget!;
      const executable = executables.get(target);
      if (executable) executables.set(entry.path, executable);
      if (selection === undefined) continue;
      const bytes = contents.get(target);
      if (bytes && selection.keep) contents.set(entry.path, bytes);
      const targetFound = found.get(target);
      if (targetFound) found.set(entry.path, targetFound.map((f) => ({ extractor: f.extractor, packages: relocate(f.packages, target, entry.path) })));
      if (!bytes && !targetFound) {
        issues.push({ path: entry.path, layer: index, stage: 'catalog', reason: `hard link to ${target} whose content was not kept; not read` });
      }
      continue;
    }
    const candidate = selector.executables && isExecutableCandidate(entry.path, entry.mode, entry.size);
    const analyse = candidate && entry.size <= MAX_EXECUTABLE_BYTES;
    if (candidate && !analyse) {
      issues.push({ path: entry.path, layer: index, stage: 'catalog', reason: `executable of ${entry.size} bytes exceeds the ${MAX_EXECUTABLE_BYTES}-byte limit; not hashed` });
    }
    let wanted = selection !== undefined;
    if (selection !== undefined && entry.size > selection.cap) {
      issues.push({ path: entry.path, layer: index, stage: 'catalog', reason: `file of ${entry.size} bytes exceeds the ${selection.cap}-byte limit; not read` });
      wanted = false;
    }
    if (!wanted && !analyse) continue;
    if (!wanted && entry.size > EXECUTABLE_HEAD_BYTES) {
      // Only the executables report wants it, and it is large: hash it as it streams, keep its head.
      const record = await analyseExecutableStream(entry.path, entry.stream());
      if (record) executables.set(entry.path, record);
      continue;
    }
    const parse = async (bytes: Buffer, extractors: readonly FileExtractor[]): Promise<void> => {
      const results: FoundInFile[] = [];
      for (const extractor of extractors) {
        if (bytes.length > extractor.maxFileBytes) {
          issues.push({ path: entry.path, layer: index, stage: extractorId(extractor), reason: `file of ${bytes.length} bytes exceeds the ${extractor.maxFileBytes}-byte limit; not read` });
          continue;
        }
        const stage = extractorId(extractor);
        const packages = await extractor.extractFile(
          { path: entry.path, bytes, mode: entry.mode },
          { issue: (path, reason) => issues.push({ path, layer: index, stage, reason }) },
        );
        if (packages.length > 0) results.push({ extractor, packages });
      }
      if (results.length > 0) found.set(entry.path, results);
    };
    const consume = async (): Promise<void> => {
      if (wanted && selection !== undefined && isScreened(selection, entry.size)) {
        // Large, and wanted only by extractors that name signatures: joined into one buffer only if one is in it.
        const extractors = selection.fileExtractors;
        const hash = analyse ? createHash('sha256') : undefined;
        const file = await screenFile(entry.stream(), extractors.flatMap((e) => e.signatures!), hash && ((chunk) => hash.update(chunk)));
        if (hash) {
          const record = analyseExecutableFrom(entry.path, chunkSource(file), hash.digest('hex'));
          if (record) executables.set(entry.path, record);
        }
        let at = 0;
        const matching = extractors.filter((e) => file.found.slice(at, (at += e.signatures!.length)).some(Boolean));
        if (matching.length > 0) await parse(joinChunks(file), matching);
        return;
      }
      const bytes = await entry.read();
      if (analyse) {
        const record = analyseExecutable(entry.path, bytes);
        if (record) executables.set(entry.path, record);
      }
      if (!wanted || selection === undefined) return;
      if (selection.keep) contents.set(entry.path, compact(bytes));
      await parse(bytes, selection.fileExtractors);
    };
    await (entry.size >= LARGE_FILE_BYTES ? selector.largeFileGate.run(consume) : consume());
  }
  return { ref: layer.ref, changes, contents, found, executables, issues };
}

/**
 * Is this file screened for signatures (screen-file.ts) rather than read whole? When it is larger than an executable's
 * head, nothing keeps its bytes, and every extractor that wants it names signatures.
 */
function isScreened(selection: FileSelection, size: number): boolean {
  return !selection.keep && size > EXECUTABLE_HEAD_BYTES && selection.fileExtractors.length > 0 && selection.fileExtractors.every((e) => e.signatures !== undefined);
}

/**
 * Bytes to keep past this file: a copy when they are a view into a larger buffer. A small file read from a layer is
 * a slice of the decompressor's output chunk, and keeping the slice would keep the whole chunk alive with it — the
 * 13 MB of files a Debian image's package database is kept 35-40 MB of chunks before.
 */
function compact(bytes: Buffer): Buffer {
  return bytes.byteLength < bytes.buffer.byteLength ? Buffer.from(bytes) : bytes;
}

/** The same packages, found under another path (a hard link, a path written through a symlinked directory). */
export function relocate(packages: ExtractedPackage[], from: string, to: string): ExtractedPackage[] {
  return packages.map((p) => (p.evidence === from ? { ...p, evidence: to } : p));
}
