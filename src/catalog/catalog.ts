import { availableParallelism } from 'node:os';
import type { ProgressListener } from '../core/events.js';
import type { Distro, ExtractedPackage, Inventory, InventoryIssue, Package } from '../core/model.js';
import type { LayerEntry, LayerEntryProblem, LayerHandle, OpenedImage } from '../image/index.js';
import { detectDistro, distroWants } from './distro/index.js';
import { extractorId, isFileExtractor, type AnyExtractor, type Extractor, type FileExtractor, type FileView } from './extractor.js';
import type { ExecutableRecord } from './executables.js';
import { FileTree } from './file-tree.js';
import { applyLayer, type ContentState } from './merge-layers.js';
import { buildOwnership } from './ownership.js';
import { identityKey, packageFrom } from './package-identity.js';
import { resolveDependencies } from './relationships.js';
import { decodeScannedLayer, encodeScannedLayer, LayerCodecError } from './layer-codec.js';
import { isCacheableLayer, layerResultKey, passFingerprint, type LayerResultStore } from './layer-results.js';
import { cachedInventory, inventoryResultKey, storeInventory, type InventoryResultStore } from './inventory-results.js';
import { Gate, scanLayer, type FileSelection, type FileSelector, type ScannedLayer } from './scan-layer.js';

export interface CatalogOptions {
  extractors: readonly AnyExtractor[];
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Layers read at the same time (decompression runs off the main thread). Default: defaultLayerConcurrency(). */
  concurrency?: number;
  /** Hash and classify executables and shared libraries, and list those no package owns. Default true. */
  executables?: boolean;
  /**
   * Per-layer results of earlier passes: a layer found here is not read at all (a registry layer is not even
   * downloaded); one not found is read and stored. Root file system sources are never cached. Default: none.
   */
  layerResults?: LayerResultStore;
  /**
   * Whole inventories of images seen before, keyed by their layers, config and the pass fingerprint: a hit returns
   * the stored inventory (with this image's description) without reading or merging any layer. Default: none.
   */
  inventoryResults?: InventoryResultStore;
  /** Part of the inventory key: the caller's version, so that a new release never reuses an old release's merge. */
  cacheSalt?: string;
}

/** Layers read side by side unless told otherwise: min(4, CPUs). */
export function defaultLayerConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Files the distro detector reads are small text files, except the BusyBox binary it scans for a banner. */
const DISTRO_FILE_CAP = 4 * 1024 * 1024;

/**
 * The single pass: read every layer once, keep only the files some extractor wants, merge the layers with their
 * whiteouts, run each extractor on the merged view — and on the views after each layer that changed its files,
 * to learn which layer introduced each package — then build the file-ownership graph.
 */
export async function catalogImage(image: OpenedImage, options: CatalogOptions): Promise<Inventory> {
  const { onProgress } = options;
  // The same extractor listed twice would report every package twice.
  const all = [...new Map(options.extractors.map((e) => [extractorId(e), e])).values()];
  const extractors = all.filter((e): e is Extractor => !isFileExtractor(e));
  const fileExtractors = all.filter(isFileExtractor);
  const executablesWanted = options.executables ?? true;
  const selector = fileSelector(extractors, fileExtractors, executablesWanted);
  const fingerprint =
    options.layerResults || options.inventoryResults
      ? passFingerprint({ extractors, fileExtractors, executables: executablesWanted, distroFileCap: DISTRO_FILE_CAP })
      : '';
  const cache = options.layerResults && {
    store: options.layerResults,
    fingerprint,
    fileExtractors: new Map(fileExtractors.map((e) => [extractorId(e), e])),
  };
  const stored = options.inventoryResults && inventoryResultKey(fingerprint, image.description, options.cacheSalt ?? '');
  if (options.inventoryResults && stored) {
    const hit = await cachedInventory(options.inventoryResults, stored, image, onProgress);
    if (hit) return hit;
  }
  const built = await buildInventory(image, options, all, extractors, fileExtractors, selector, cache);
  if (options.inventoryResults && stored) await storeInventory(options.inventoryResults, stored, built);
  return built;
}

async function buildInventory(
  image: OpenedImage,
  options: CatalogOptions,
  all: readonly AnyExtractor[],
  extractors: readonly Extractor[],
  fileExtractors: readonly FileExtractor[],
  selector: FileSelector,
  cache: LayerCacheUse | undefined,
): Promise<Inventory> {
  const { signal, onProgress } = options;
  const issues: InventoryIssue[] = [];
  const tree = new FileTree();
  const state: ContentState = new Map();
  const snapshots = new Map<Extractor, { layer: number; files: Map<string, Buffer> }[]>();
  // Layers are merged bottom-up as soon as they and all below them are read, so at most a few layers' entry
  // lists are held at once.
  await scanAll(image, selector, options, cache, (layer) => {
    issues.push(...layer.issues);
    const changed = applyLayer(tree, state, layer);
    for (const extractor of extractors) {
      if (!changed.some((p) => extractor.wants(p))) continue;
      const files = new Map<string, Buffer>();
      for (const [path, { bytes }] of state) if (bytes && extractor.wants(path)) files.set(path, bytes);
      const list = snapshots.get(extractor) ?? [];
      list.push({ layer: layer.ref.index, files });
      snapshots.set(extractor, list);
    }
  });

  const distroFiles = new Map<string, Buffer>();
  for (const [path, { bytes }] of state) if (bytes && distroWants(path)) distroFiles.set(path, bytes);
  const distro = detectDistro(viewOf(distroFiles));

  const extracted: { pkg: ExtractedPackage; extractor: AnyExtractor; layer: number }[] = [];
  for (const extractor of extractors) {
    signal?.throwIfAborted();
    const views = snapshots.get(extractor) ?? [];
    const final = views.at(-1);
    if (!final) continue;
    const id = extractorId(extractor);
    const record = (path: string, reason: string): void => {
      issues.push({ path, stage: id, reason, ...layerOf(state, path) });
    };
    const packages = await extractor.extract({ view: viewOf(final.files), distro, issue: record });
    const introducedAt = await introductionLayers(extractor, views, distro);
    for (const pkg of packages) {
      extracted.push({ pkg, extractor, layer: introducedAt(identityKey(pkg)) ?? state.get(pkg.evidence)?.layer ?? final.layer });
    }
    onProgress?.({ type: 'extract-done', extractor: id, packages: packages.length });
  }

  // File extractors parsed their files during the pass: what survives in the merged image is what they found.
  const perFileExtractor = new Map<FileExtractor, number>();
  for (const [, entry] of [...state].sort(([a], [b]) => compare(a, b))) {
    for (const { extractor, packages } of entry.found ?? []) {
      for (const pkg of packages) extracted.push({ pkg, extractor, layer: entry.layer });
      perFileExtractor.set(extractor, (perFileExtractor.get(extractor) ?? 0) + packages.length);
    }
  }
  for (const extractor of fileExtractors) {
    onProgress?.({ type: 'extract-done', extractor: extractorId(extractor), packages: perFileExtractor.get(extractor) ?? 0 });
  }

  const packages: Package[] = extracted.map(({ pkg, extractor, layer }) => packageFrom(pkg, extractorId(extractor), layer, distro));
  // The kept bytes have been parsed: let them go before the ownership graph is built.
  snapshots.clear();
  const executables = new Map<string, ExecutableRecord>();
  for (const [path, entry] of state) {
    delete entry.bytes;
    if (entry.executable) executables.set(path, entry.executable);
  }
  const ownership = buildOwnership(tree, extracted.map((e) => e.pkg), packages, executables);
  // Owned-file lists are in the ownership graph now; let them go before the (large) outputs are encoded.
  for (const e of extracted) delete e.pkg.ownedFiles;
  const kept = ownership.packages;
  const inventory: Inventory = {
    image: image.description,
    packages: kept,
    files: ownership.files,
    relationships: resolveDependencies(
      packages.flatMap((pkg, i) => (ownership.keptIds.has(pkg.id) ? [{ pkg, extracted: extracted[i]!.pkg }] : [])),
    ),
    issues: sortIssues(issues),
    extractors: all.map(extractorId).sort(),
  };
  if (distro) inventory.distro = distro;
  return inventory;
}

function fileSelector(extractors: readonly Extractor[], fileExtractors: readonly FileExtractor[], executables: boolean): FileSelector {
  return {
    executables,
    largeFileGate: new Gate(),
    select(path: string, info: { mode: number; size: number }): FileSelection | undefined {
      let cap = distroWants(path) ? DISTRO_FILE_CAP : 0;
      let keep = cap > 0;
      for (const extractor of extractors) {
        if (extractor.wants(path)) {
          cap = Math.max(cap, extractor.maxFileBytes);
          keep = true;
        }
      }
      let wanting: FileExtractor[] | undefined;
      for (const extractor of fileExtractors) {
        if (extractor.wants(path, info)) {
          cap = Math.max(cap, extractor.maxFileBytes);
          (wanting ??= []).push(extractor);
        }
      }
      if (!keep && !wanting) return undefined;
      return { cap, keep, fileExtractors: wanting ?? [] };
    },
  };
}

interface LayerCacheUse {
  store: LayerResultStore;
  fingerprint: string;
  fileExtractors: ReadonlyMap<string, FileExtractor>;
}

async function scanAll(
  image: OpenedImage,
  selector: FileSelector,
  options: CatalogOptions,
  cache: LayerCacheUse | undefined,
  apply: (layer: ScannedLayer) => void,
): Promise<void> {
  const total = image.layers.length;
  const pending: (ScannedLayer | undefined)[] = new Array(total);
  const writes: Promise<void>[] = [];
  let next = 0;
  let applied = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const layer = image.layers[i]!;
      const { ref } = layer;
      options.onProgress?.({
        type: 'layer-start',
        index: i,
        total,
        diffId: ref.diffId,
        ...(ref.digest !== undefined ? { digest: ref.digest } : {}),
        ...(ref.size !== undefined ? { size: ref.size } : {}),
      });
      const key = cache && isCacheableLayer(image.description, ref) ? layerResultKey(cache.fingerprint, ref) : undefined;
      let scanned = cache && key ? await cachedLayer(cache, ref, key) : undefined;
      const hit = scanned !== undefined;
      if (!scanned) {
        scanned = await scanLayer(withSizedReads(layer), selector, options.signal, (p) =>
          options.onProgress?.({ type: 'layer-progress', index: i, total, entries: p.entries, bytes: p.bytes }),
        );
        // Encoded now: merging the layer consumes its entry list.
        if (cache && key) writes.push(storeLayer(cache.store, ref.diffId, key, scanned));
      }
      options.onProgress?.({
        type: 'layer-done',
        index: i,
        total,
        entries: scanned.changes.length,
        wanted: scanned.contents.size + scanned.found.size,
        ...(hit ? { cached: true } : {}),
      });
      pending[i] = scanned;
      while (applied < total && pending[applied]) {
        apply(pending[applied]!);
        pending[applied] = undefined;
        applied++;
      }
    }
  };
  await prefetchUncached(image, cache);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? defaultLayerConcurrency(), total));
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await Promise.all(writes);
  }
  await cache?.store.settle?.();
}

/**
 * Tell a downloading source (the registry) to start on every layer whose results are not cached, bottom first, so
 * that downloads run ahead of the layers being read instead of each starting when its layer's turn comes. A layer
 * with a stored result is left alone: a rescan downloads nothing. (Should that result prove unreadable, the layer
 * is downloaded when it is read, as without prefetching.)
 */
async function prefetchUncached(image: OpenedImage, cache: LayerCacheUse | undefined): Promise<void> {
  for (const layer of image.layers) {
    if (!layer.prefetch) continue;
    const key = cache && isCacheableLayer(image.description, layer.ref) ? layerResultKey(cache.fingerprint, layer.ref) : undefined;
    const stored = cache && key ? ((await cache.store.has?.(layer.ref.diffId, key)) ?? (await cache.store.get(layer.ref.diffId, key)) !== undefined) : false;
    if (!stored) layer.prefetch();
  }
}

/** Files at least this large are read into one buffer of their size (see withSizedReads). */
const SIZED_READ_BYTES = 64 * 1024;
/** Beyond this a file is gathered in chunks again: no single allocation is made from a size read in a header. */
const SIZED_READ_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The layer with each large file's `read()` filling one buffer of the file's size as the chunks arrive, instead of
 * holding every chunk and joining them at the end. Joining needs the file twice over for a moment (a 60 MB compiler
 * binary the Go and Rust extractors look into: 120 MB), and the many chunk buffers freed at once left the C heap
 * fragmented for the rest of the run; peak RSS of a 1.9 GB image fell by about 15 MB.
 */
function withSizedReads(layer: LayerHandle): LayerHandle {
  return { ref: layer.ref, entries: (signal?: AbortSignal) => sizedEntries(layer.entries(signal)) };
}

async function* sizedEntries(entries: AsyncIterable<LayerEntry | LayerEntryProblem>): AsyncGenerator<LayerEntry | LayerEntryProblem> {
  for await (const entry of entries) {
    if (entry.kind === 'node' && entry.type === 'file' && entry.size >= SIZED_READ_BYTES && entry.size <= SIZED_READ_MAX_BYTES) {
      const { size } = entry;
      yield { ...entry, read: () => readSized(entry.stream(), size) };
    } else {
      yield entry;
    }
  }
}

/** The bytes of a stream expected to hold `size` bytes; any other length is still returned whole. */
async function readSized(stream: AsyncIterable<Buffer>, size: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(size);
  let filled = 0;
  const extra: Buffer[] = [];
  for await (const chunk of stream) {
    if (extra.length === 0 && filled + chunk.length <= size) {
      chunk.copy(out, filled);
      filled += chunk.length;
    } else {
      extra.push(chunk);
    }
  }
  return extra.length === 0 && filled === size ? out : Buffer.concat([out.subarray(0, filled), ...extra]);
}

/** A stored result, or undefined when there is none or it is unusable (it is then read afresh and stored again). */
async function cachedLayer(cache: LayerCacheUse, ref: ScannedLayer['ref'], key: string): Promise<ScannedLayer | undefined> {
  const payload = await cache.store.get(ref.diffId, key);
  if (!payload) return undefined;
  try {
    return decodeScannedLayer(payload, ref, cache.fileExtractors);
  } catch (err) {
    if (err instanceof LayerCodecError) return undefined;
    throw err;
  }
}

function storeLayer(store: LayerResultStore, diffId: string, key: string, layer: ScannedLayer): Promise<void> {
  let payload: Buffer;
  try {
    payload = encodeScannedLayer(layer);
  } catch (err) {
    // A layer too large to encode (more text than a string can hold) is simply not cached.
    if (err instanceof RangeError) return Promise.resolve();
    throw err;
  }
  return store.put(diffId, key, payload);
}

/**
 * For each package of the final view, the lowest layer from which it is present in every later state of the
 * extractor's files (a package purged and installed again counts from the reinstall).
 */
async function introductionLayers(
  extractor: Extractor,
  views: { layer: number; files: Map<string, Buffer> }[],
  distro: Distro | undefined,
): Promise<(key: string) => number | undefined> {
  const present: Set<string>[] = [];
  for (const view of views.slice(0, -1)) {
    const packages = await extractor.extract({ view: viewOf(view.files), distro, issue: () => {}, identityOnly: true });
    present.push(new Set(packages.map(identityKey)));
  }
  return (key) => {
    let layer = views.at(-1)?.layer;
    for (let i = present.length - 1; i >= 0; i--) {
      if (!present[i]!.has(key)) break;
      layer = views[i]!.layer;
    }
    return layer;
  };
}

function viewOf(files: Map<string, Buffer>): FileView {
  let sorted: string[] | undefined;
  return {
    read: (path) => files.get(path),
    paths: () => (sorted ??= [...files.keys()].sort()),
  };
}

function layerOf(state: ContentState, path: string): { layer?: number } {
  const entry = state.get(path);
  return entry ? { layer: entry.layer } : {};
}

function sortIssues(issues: InventoryIssue[]): InventoryIssue[] {
  return issues.sort(
    (a, b) => compare(a.path, b.path) || (a.layer ?? -1) - (b.layer ?? -1) || compare(a.stage, b.stage) || compare(a.reason, b.reason),
  );
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
