import { GroutError } from '../core/errors.js';
import type { BlobFs } from './blob-fs.js';
import { describeImage, parseImageConfig } from './image-config.js';
import { asArray, asObject, optionalString, readJsonBlob } from './json-blob.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';
import type { LayerHandle, OpenedImage } from './source.js';
import { readTarLayer } from './tar-layer.js';

interface ArchiveEntry {
  config: string;
  tags: string[];
  layers: string[];
}

const BLOB_PATH = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/;
const LEGACY_CONFIG = /^([0-9a-f]{64})\.json$/;

/**
 * Open a `docker save` tar: `manifest.json` names the config and layer tars. Both layouts are read the same way:
 * the pre-25 one (`<id>/layer.tar`, often symlinks to another layer's tar, config `<id>.json`) and the Docker ≥ 25
 * one (OCI-style `blobs/sha256/<hex>`). Configs and layers are verified against the digests their names or the
 * config's diff_ids state.
 */
export async function openDockerArchive(
  fs: BlobFs,
  selector: { tag?: string; index?: number },
  reference: string,
  wanted: Platform | undefined,
): Promise<OpenedImage> {
  if (!(await fs.has('manifest.json'))) {
    throw new GroutError('E_IMAGE_FORMAT', `${fs.name} is not a docker-archive: manifest.json is missing`, {
      file: fs.name,
      hint: 'use oci-archive: for an OCI image archive, or docker save to write one',
    });
  }
  const manifestWhere = `${fs.name}:manifest.json`;
  const entries = asArray(await readJsonBlob(fs, 'manifest.json'), manifestWhere, 'manifest.json').map((e, i) =>
    parseEntry(e, `${manifestWhere}[${i}]`),
  );
  const entry = chooseEntry(entries, selector, fs.name);

  const configDigest = digestForPath(entry.config);
  const configWhere = `${fs.name}:${entry.config}`;
  const config = parseImageConfig(await readJsonBlob(fs, entry.config, configDigest), configWhere);
  if (wanted && config.os && config.architecture && !platformMatches(wanted, { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) })) {
    throw new GroutError('E_PLATFORM', `${fs.name}: the image is ${formatPlatform(config)}, not ${formatPlatform(wanted)}`);
  }

  const layerInfos = await Promise.all(
    entry.layers.map(async (path) => {
      const digest = digestForPath(path);
      const size = await fs.size(path).catch(() => {
        throw new GroutError('E_IMAGE_FORMAT', `${fs.name}: layer ${path} is missing`, { file: `${fs.name}:${path}` });
      });
      return { ...(digest ? { digest } : {}), size };
    }),
  );
  const description = describeImage(
    { reference, transport: 'docker-archive', tags: entry.tags, ...(configDigest ? { configDigest } : {}) },
    config,
    layerInfos,
    manifestWhere,
  );
  const layers: LayerHandle[] = description.layers.map((ref, i) => {
    const path = entry.layers[i]!;
    const name = `${fs.name}:${path}`;
    return {
      ref,
      async *entries(signal?: AbortSignal) {
        const head = await fs.head(path, 512);
        yield* readTarLayer(
          { name, head, open: () => fs.stream(path), ...(ref.digest ? { blobDigest: ref.digest } : {}), diffId: ref.diffId },
          signal,
        );
      },
    };
  });
  return { description, layers, close: async () => {} };
}

/** The digest a member's name promises: `blobs/sha256/<hex>` or a legacy `<hex>.json` config. */
function digestForPath(path: string): string | undefined {
  const blob = BLOB_PATH.exec(path);
  if (blob) return `${blob[1]}:${blob[2]}`;
  const legacy = LEGACY_CONFIG.exec(path);
  if (legacy) return `sha256:${legacy[1]}`;
  return undefined;
}

function parseEntry(value: unknown, where: string): ArchiveEntry {
  const e = asObject(value, where, 'the image entry');
  const config = optionalString(e['Config']);
  if (!config) throw new GroutError('E_IMAGE_FORMAT', `${where}: Config is missing`, { file: where });
  const layers = asArray(e['Layers'], where, 'Layers').map((l) => {
    if (typeof l !== 'string' || l === '') throw new GroutError('E_IMAGE_FORMAT', `${where}: a layer path is not a string`, { file: where });
    return l;
  });
  const tags = Array.isArray(e['RepoTags']) ? e['RepoTags'].filter((t): t is string => typeof t === 'string') : [];
  return { config, tags, layers };
}

function chooseEntry(entries: ArchiveEntry[], selector: { tag?: string; index?: number }, name: string): ArchiveEntry {
  if (selector.index !== undefined) {
    const byIndex = entries[selector.index];
    if (!byIndex) throw new GroutError('E_IMAGE_NOT_FOUND', `${name}: no image at index ${selector.index}`, { hint: `the archive holds ${entries.length}` });
    return byIndex;
  }
  if (selector.tag !== undefined) {
    const tag = selector.tag;
    const found = entries.find((e) => e.tags.includes(tag) || e.tags.some((t) => t.endsWith(`/${tag}`)));
    if (found) return found;
    throw new GroutError('E_IMAGE_NOT_FOUND', `${name}: no image tagged ${JSON.stringify(tag)}`, {
      hint: `available: ${entries.flatMap((e) => e.tags).join(', ') || 'untagged images only'}`,
    });
  }
  if (entries.length === 1) return entries[0]!;
  if (entries.length === 0) throw new GroutError('E_IMAGE_FORMAT', `${name}: manifest.json lists no images`, { file: name });
  throw new GroutError('E_USAGE', `${name} holds ${entries.length} images; name one with :repo:tag or @index`, {
    hint: `available: ${entries.map((e, i) => e.tags.join(' ') || `@${i}`).join(', ')}`,
  });
}
