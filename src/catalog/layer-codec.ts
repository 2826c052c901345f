import type { ExtractedPackage, InventoryIssue, LayerRef } from '../core/model.js';
import type { ExecutableRecord } from './executables.js';
import { extractorId, type FileExtractor } from './extractor.js';
import type { FoundInFile, LayerChange, ScannedLayer } from './scan-layer.js';

/**
 * A scanned layer as bytes, for the per-layer result cache: `magic · u32 format · u32 json length · json · blobs`.
 * The JSON holds the entries column by column (one array of paths, one string of kind letters, the modes and sizes
 * of the nodes) — far smaller and faster to parse than one object per entry — and the kept file bytes follow it,
 * each stored once even when hard links share them. Bump LAYER_CODEC_VERSION when the layout changes.
 */
export const LAYER_CODEC_VERSION = 1;

const MAGIC = Buffer.from('GRLAYER\n', 'latin1');
const HEAD = MAGIC.length + 8;

/** A payload that cannot be a scanned layer of this format: the caller scans the layer afresh. */
export class LayerCodecError extends Error {}

const KIND_LETTER = { file: 'f', dir: 'd', symlink: 's', hardlink: 'h', other: 'o', whiteout: 'w', opaque: 'q' } as const;
const LETTER_KIND: Record<string, keyof typeof KIND_LETTER> = Object.fromEntries(
  Object.entries(KIND_LETTER).map(([kind, letter]) => [letter, kind as keyof typeof KIND_LETTER]),
);

interface EncodedLayer {
  paths: string[];
  kinds: string;
  /** Per node entry, in order. */
  modes: number[];
  sizes: number[];
  /** [entry index, link target] for nodes that have one. */
  links: [number, string][];
  /** [path, blob offset, blob length]. */
  contents: [string, number, number][];
  found: [string, [string, ExtractedPackage[]][]][];
  executables: [string, ExecutableRecord][];
  issues: InventoryIssue[];
}

/**
 * Encode a freshly scanned layer. Call it before the layer is merged: merging consumes the entry list.
 */
export function encodeScannedLayer(layer: ScannedLayer): Buffer {
  const n = layer.changes.length;
  const paths: string[] = new Array(n);
  let kinds = '';
  const modes: number[] = [];
  const sizes: number[] = [];
  const links: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    const change = layer.changes[i]!;
    paths[i] = change.path;
    if (change.kind === 'node') {
      kinds += KIND_LETTER[change.type];
      modes.push(change.mode);
      sizes.push(change.size);
      if (change.linkTarget !== undefined) links.push([i, change.linkTarget]);
    } else {
      kinds += KIND_LETTER[change.kind];
    }
  }
  const blobs: Buffer[] = [];
  const offsets = new Map<Buffer, number>();
  let offset = 0;
  const contents: [string, number, number][] = [];
  for (const [path, bytes] of layer.contents) {
    let at = offsets.get(bytes);
    if (at === undefined) {
      at = offset;
      offsets.set(bytes, at);
      blobs.push(bytes);
      offset += bytes.length;
    }
    contents.push([path, at, bytes.length]);
  }
  const encoded: EncodedLayer = {
    paths,
    kinds,
    modes,
    sizes,
    links,
    contents,
    found: [...layer.found].map(([path, list]) => [path, list.map((f) => [extractorId(f.extractor), f.packages])]),
    executables: [...layer.executables],
    issues: layer.issues,
  };
  const json = Buffer.from(JSON.stringify(encoded), 'utf8');
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt32BE(LAYER_CODEC_VERSION, MAGIC.length);
  head.writeUInt32BE(json.length, MAGIC.length + 4);
  return Buffer.concat([head, json, ...blobs]);
}

/**
 * Decode a stored layer for `ref` (the layer as the current image names it: its index is stamped on the issues).
 * `extractors` are the file extractors of the current pass, by `name@version`. Throws LayerCodecError for anything
 * that is not a well-formed payload of this format.
 */
export function decodeScannedLayer(payload: Buffer, ref: LayerRef, extractors: ReadonlyMap<string, FileExtractor>): ScannedLayer {
  if (payload.length < HEAD || !payload.subarray(0, MAGIC.length).equals(MAGIC)) throw new LayerCodecError('not a layer result');
  const version = payload.readUInt32BE(MAGIC.length);
  if (version !== LAYER_CODEC_VERSION) throw new LayerCodecError(`layer result format ${version}, expected ${LAYER_CODEC_VERSION}`);
  const jsonLength = payload.readUInt32BE(MAGIC.length + 4);
  if (HEAD + jsonLength > payload.length) throw new LayerCodecError('truncated layer result');
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8', HEAD, HEAD + jsonLength));
  } catch {
    // Not JSON, or (for a hostile length) more text than a string can hold.
    throw new LayerCodecError('layer result is not valid JSON');
  }
  const data = shape(raw);
  const blobs = payload.subarray(HEAD + jsonLength);

  const changes = decodeChanges(data);
  const contents = new Map<string, Buffer>();
  const views = new Map<number, Buffer>();
  for (const item of data.contents) {
    check(Array.isArray(item) && item.length === 3, 'content');
    const [path, at, length] = item;
    check(typeof path === 'string' && isCount(at) && isCount(length) && at + length <= blobs.length, 'content');
    let bytes = views.get(at);
    if (bytes === undefined || bytes.length !== length) {
      // A copy, so the whole payload is not kept alive by a few small files.
      bytes = Buffer.from(blobs.subarray(at, at + length));
      views.set(at, bytes);
    }
    contents.set(path, bytes);
  }
  const found = new Map<string, FoundInFile[]>();
  for (const item of data.found) {
    check(Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && Array.isArray(item[1]), 'found');
    const list: FoundInFile[] = [];
    for (const f of item[1]) {
      check(Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && Array.isArray(f[1]), 'found');
      const extractor = extractors.get(f[0]);
      check(extractor !== undefined, `extractor ${String(f[0])}`);
      for (const pkg of f[1]) check(isExtractedPackage(pkg), 'package');
      list.push({ extractor, packages: f[1] as ExtractedPackage[] });
    }
    found.set(item[0], list);
  }
  const executables = new Map<string, ExecutableRecord>();
  for (const item of data.executables) {
    check(Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && isExecutableRecord(item[1]), 'executable');
    executables.set(item[0], item[1] as ExecutableRecord);
  }
  const issues: InventoryIssue[] = [];
  for (const issue of data.issues) {
    check(isIssue(issue), 'issue');
    // The same layer may sit at another position in this image: assigning keeps the key order of a fresh scan.
    if (issue.layer !== undefined) issue.layer = ref.index;
    issues.push(issue);
  }
  return { ref, changes, contents, found, executables, issues };
}

function decodeChanges(data: EncodedLayer): LayerChange[] {
  const n = data.paths.length;
  check(data.kinds.length === n, 'entry kinds');
  const changes: LayerChange[] = new Array(n);
  let node = 0;
  let link = 0;
  for (let i = 0; i < n; i++) {
    const path = data.paths[i];
    check(typeof path === 'string', 'entry path');
    const kind = LETTER_KIND[data.kinds[i]!];
    check(kind !== undefined, 'entry kind');
    if (kind === 'whiteout' || kind === 'opaque') {
      changes[i] = { kind, path };
      continue;
    }
    const mode = data.modes[node];
    const size = data.sizes[node];
    node++;
    check(isCount(mode) && isCount(size), 'entry mode or size');
    const change: LayerChange = { kind: 'node', path, type: kind, mode, size };
    const next = data.links[link];
    if (next !== undefined && next[0] === i) {
      check(typeof next[1] === 'string', 'link target');
      change.linkTarget = next[1];
      link++;
    }
    changes[i] = change;
  }
  check(node === data.modes.length && node === data.sizes.length && link === data.links.length, 'entry columns');
  return changes;
}

function shape(raw: unknown): EncodedLayer {
  check(typeof raw === 'object' && raw !== null, 'layer result');
  const o = raw as Record<string, unknown>;
  check(typeof o['kinds'] === 'string', 'kinds');
  for (const key of ['paths', 'modes', 'sizes', 'links', 'contents', 'found', 'executables', 'issues']) {
    check(Array.isArray(o[key]), key);
  }
  for (const l of o['links'] as unknown[]) check(Array.isArray(l) && l.length === 2 && isCount(l[0]), 'links');
  return o as unknown as EncodedLayer;
}

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new LayerCodecError(`malformed layer result: ${what}`);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isExtractedPackage(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof v['ecosystem'] === 'string' &&
    typeof v['name'] === 'string' &&
    typeof v['version'] === 'string' &&
    typeof v['evidence'] === 'string' &&
    Array.isArray(v['licenses'])
  );
}

function isExecutableRecord(v: unknown): boolean {
  return isRecord(v) && (v['format'] === 'elf' || v['format'] === 'script') && typeof v['sha256'] === 'string';
}

function isIssue(v: unknown): v is InventoryIssue {
  return (
    isRecord(v) &&
    typeof v['path'] === 'string' &&
    typeof v['stage'] === 'string' &&
    typeof v['reason'] === 'string' &&
    (v['layer'] === undefined || isCount(v['layer']))
  );
}
