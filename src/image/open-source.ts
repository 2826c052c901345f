import { stat } from 'node:fs/promises';
import { GroutError } from '../core/errors.js';
import { DirFs, TarFs } from './blob-fs.js';
import { openDockerArchive } from './docker-archive.js';
import { openOciLayout } from './oci-layout.js';
import { parseSourceReference, type SourceSpec } from './reference.js';
import { openRegistryImage, type RegistrySourceOptions } from './registry/registry-source.js';
import { openRootfs } from './rootfs.js';
import type { ImageSource, OpenedImage, OpenOptions } from './source.js';

export interface ImageSourceOptions {
  /** Credentials, TLS, cache and progress for registry references (see `registryOptionsFromCli` in the CLI). */
  registry?: RegistrySourceOptions;
}

/**
 * The ImageSource for a reference such as `docker-archive:app.tar`, `oci:./layout:tag` or a registry reference
 * (`alpine`, `host:5000/ns/repo:tag`, `docker://…`).
 */
export function imageSource(reference: string, sourceOptions: ImageSourceOptions = {}): ImageSource {
  const spec = parseSourceReference(reference);
  return { reference, open: (options: OpenOptions = {}) => openSpec(spec, reference, options, sourceOptions) };
}

async function openSpec(spec: SourceSpec, reference: string, options: OpenOptions, sourceOptions: ImageSourceOptions): Promise<OpenedImage> {
  switch (spec.transport) {
    case 'docker-archive': {
      await requireFile(spec.path);
      const fs = await TarFs.open(spec.path);
      const selector = { ...(spec.tag !== undefined ? { tag: spec.tag } : {}), ...(spec.index !== undefined ? { index: spec.index } : {}) };
      return openDockerArchive(fs, selector, reference, options.platform);
    }
    case 'oci':
    case 'oci-archive': {
      let fs;
      if (spec.transport === 'oci') {
        await requireDirectory(spec.path);
        fs = new DirFs(spec.path);
      } else {
        await requireFile(spec.path);
        fs = await TarFs.open(spec.path);
      }
      const selector = { ...(spec.tag !== undefined ? { tag: spec.tag } : {}), ...(spec.digest !== undefined ? { digest: spec.digest } : {}) };
      return openOciLayout(fs, selector, { reference, transport: spec.transport }, options.platform);
    }
    case 'rootfs':
      return openRootfs(spec.path, reference);
    case 'registry':
      return openRegistryImage(spec.image, reference, sourceOptions.registry ?? {}, options);
  }
}

async function requireFile(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new GroutError('E_IMAGE_NOT_FOUND', `${path}: no such file`, { file: path });
  if (!st.isFile()) throw new GroutError('E_IMAGE_NOT_FOUND', `${path} is not a file`, { file: path });
}

async function requireDirectory(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new GroutError('E_IMAGE_NOT_FOUND', `${path}: no such directory`, { file: path });
  if (!st.isDirectory()) throw new GroutError('E_IMAGE_NOT_FOUND', `${path} is not a directory`, { file: path, hint: 'use oci-archive: for a tar' });
}
