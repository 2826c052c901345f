import { stat } from 'node:fs/promises';
import { GroutError } from '../core/errors.js';
import { DirFs, TarFs } from './blob-fs.js';
import { openDockerArchive } from './docker-archive.js';
import { openOciLayout } from './oci-layout.js';
import { parseSourceReference, type SourceSpec } from './reference.js';
import { openRootfs } from './rootfs.js';
import type { ImageSource, OpenedImage, OpenOptions } from './source.js';

/** The ImageSource for a reference such as `docker-archive:app.tar` or `oci:./layout:tag`. */
export function imageSource(reference: string): ImageSource {
  const spec = parseSourceReference(reference);
  return { reference, open: (options: OpenOptions = {}) => openSpec(spec, reference, options) };
}

async function openSpec(spec: SourceSpec, reference: string, options: OpenOptions): Promise<OpenedImage> {
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
      throw new GroutError('E_SOURCE_SYNTAX', `${reference}: registry references are not supported yet`, {
        hint: 'use docker-archive:, oci:, oci-archive: or rootfs: (e.g. skopeo copy docker://… oci:dir:tag)',
      });
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
