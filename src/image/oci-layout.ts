import { parseDigest } from '../core/digest.js';
import { GroutError } from '../core/errors.js';
import type { ImageDescription } from '../core/model.js';
import type { BlobFs } from './blob-fs.js';
import { parseImageConfig } from './image-config.js';
import { asObject, readJsonBlob } from './json-blob.js';
import { checkConfigPlatform, choosePlatform, describeManifest, manifestKind, parseImageManifest, parseIndex, type Descriptor } from './manifest.js';
import type { Platform } from './platform.js';
import { readTarLayer } from './tar-layer.js';
import type { LayerHandle, OpenedImage } from './source.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Selector {
  tag?: string;
  digest?: string;
}

export function blobPath(digest: string, where: string): string {
  const { algorithm, hex } = parseDigest(digest, where);
  return `blobs/${algorithm}/${hex}`;
}

/**
 * Open the image an OCI image layout (a directory, or the same as a tar) points at: index.json → (nested
 * indexes, platform choice) → manifest → config and layers. Every blob read is digest-verified.
 */
export async function openOciLayout(
  fs: BlobFs,
  selector: Selector,
  meta: { reference: string; transport: 'oci' | 'oci-archive' },
  wanted: Platform | undefined,
): Promise<OpenedImage> {
  if (!(await fs.has('index.json'))) {
    throw new GroutError('E_IMAGE_FORMAT', `${fs.name} is not an OCI image layout: index.json is missing`, {
      file: fs.name,
      hint: 'point oci: at the directory that holds oci-layout and index.json',
    });
  }
  const top = parseIndex(await readJsonBlob(fs, 'index.json'), `${fs.name}:index.json`);
  const chosen = chooseTop(top, selector, fs.name);
  const tags = chosen.annotations[REF_NAME] ? [chosen.annotations[REF_NAME]] : [];
  const manifest = await resolveManifest(fs, chosen, wanted, 0);
  return openManifest(fs, manifest, { ...meta, tags }, wanted);
}

function chooseTop(descriptors: Descriptor[], selector: Selector, name: string): Descriptor {
  if (selector.digest) {
    const found = descriptors.find((d) => d.digest === selector.digest);
    if (found) return found;
    // Any manifest blob in the layout may be named by digest (e.g. one platform of an index).
    return { mediaType: '', digest: selector.digest, annotations: {} };
  }
  if (selector.tag) {
    const found = descriptors.filter((d) => d.annotations[REF_NAME] === selector.tag);
    if (found.length > 0) return found[0]!;
    throw new GroutError('E_IMAGE_NOT_FOUND', `${name}: no image tagged ${JSON.stringify(selector.tag)}`, {
      hint: listTags(descriptors),
    });
  }
  if (descriptors.length === 1) return descriptors[0]!;
  if (descriptors.length === 0) throw new GroutError('E_IMAGE_FORMAT', `${name}: index.json lists no images`, { file: name });
  throw new GroutError('E_USAGE', `${name} holds ${descriptors.length} images; name one with :tag or @sha256:…`, {
    hint: listTags(descriptors),
  });
}

function listTags(descriptors: Descriptor[]): string {
  const names = descriptors.map((d) => d.annotations[REF_NAME] ?? d.digest);
  return `available: ${names.join(', ')}`;
}

interface ResolvedManifest {
  descriptor: Descriptor;
  json: Record<string, unknown>;
  where: string;
}

async function resolveManifest(fs: BlobFs, descriptor: Descriptor, wanted: Platform | undefined, depth: number): Promise<ResolvedManifest> {
  if (depth > 4) throw new GroutError('E_IMAGE_FORMAT', `${fs.name}: indexes nested too deeply`, { file: fs.name });
  const path = blobPath(descriptor.digest, `${fs.name}:index.json`);
  const where = `${fs.name}:${path}`;
  if (!(await fs.has(path))) {
    throw new GroutError('E_IMAGE_NOT_FOUND', `${fs.name}: no manifest ${descriptor.digest}`, { file: where });
  }
  const json = asObject(await readJsonBlob(fs, path, descriptor.digest), where, 'the manifest');
  if (manifestKind(json, descriptor.mediaType, where) === 'index') {
    const children = parseIndex(json, where);
    return resolveManifest(fs, choosePlatform(children, wanted, where), wanted, depth + 1);
  }
  return { descriptor, json, where };
}

async function openManifest(
  fs: BlobFs,
  manifest: ResolvedManifest,
  meta: { reference: string; transport: 'oci' | 'oci-archive'; tags: string[] },
  wanted: Platform | undefined,
): Promise<OpenedImage> {
  const { json, where } = manifest;
  const parsed = parseImageManifest(json, where);
  const configPath = blobPath(parsed.config.digest, where);
  const config = parseImageConfig(await readJsonBlob(fs, configPath, parsed.config.digest), `${fs.name}:${configPath}`);
  checkConfigPlatform(config, wanted, where);
  const description: ImageDescription = describeManifest({ ...meta, manifestDigest: manifest.descriptor.digest }, parsed, config, where);
  const layers: LayerHandle[] = description.layers.map((ref) => {
    const path = blobPath(ref.digest!, where);
    const name = `${fs.name}:${path}`;
    return {
      ref,
      async *entries(signal?: AbortSignal) {
        if (!(await fs.has(path))) {
          throw new GroutError('E_IMAGE_FORMAT', `${name}: layer blob is missing`, { file: name });
        }
        const head = await fs.head(path, 512);
        yield* readTarLayer(
          { name, head, ...(ref.mediaType ? { mediaType: ref.mediaType } : {}), open: () => fs.stream(path), blobDigest: ref.digest! },
          signal,
        );
      },
    };
  });
  return { description, layers, close: async () => {} };
}
