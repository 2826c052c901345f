import { lstat, opendir, readFile, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GroutError } from '../core/errors.js';
import type { ImageDescription } from '../core/model.js';
import { syntheticDigest } from './image-config.js';
import type { LayerEntry, LayerEntryProblem, LayerNode, OpenedImage } from './source.js';

/** Host paths never worth walking when the root is the machine itself. */
const HOST_VIRTUAL = new Set(['proc', 'sys', 'dev']);

/**
 * An unpacked root filesystem as one pseudo-layer. Symlinks are recorded, never followed; only the files an
 * extractor asks for are read.
 */
export async function openRootfs(dir: string, reference: string): Promise<OpenedImage> {
  const root = resolve(dir);
  const st = await lstat(root).catch((cause: unknown) => {
    throw new GroutError('E_IMAGE_NOT_FOUND', `${root}: ${(cause as Error).message}`, { file: root, cause });
  });
  if (!st.isDirectory()) throw new GroutError('E_IMAGE_NOT_FOUND', `${root} is not a directory`, { file: root });
  const diffId = syntheticDigest(`rootfs:${root}`);
  const description: ImageDescription = {
    reference,
    transport: 'rootfs',
    tags: [],
    layers: [{ index: 0, diffId }],
    labels: {},
  };
  return {
    description,
    layers: [{ ref: description.layers[0]!, entries: (signal?: AbortSignal) => walk(root, signal) }],
    close: async () => {},
  };
}

async function* walk(root: string, signal?: AbortSignal): AsyncGenerator<LayerEntry | LayerEntryProblem> {
  const skipTop = root === '/' ? HOST_VIRTUAL : new Set<string>();
  const stack: string[] = [''];
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const rel = stack.pop()!;
    let dir;
    try {
      dir = await opendir(join(root, rel), { bufferSize: 256 });
    } catch (err) {
      yield { kind: 'problem', path: rel || '.', reason: `cannot list directory: ${(err as Error).message}` };
      continue;
    }
    const names: string[] = [];
    for await (const dirent of dir) names.push(dirent.name);
    names.sort();
    const subdirs: string[] = [];
    for (const name of names) {
      if (rel === '' && skipTop.has(name)) continue;
      const path = rel ? `${rel}/${name}` : name;
      const full = join(root, path);
      let st;
      try {
        st = await lstat(full);
      } catch (err) {
        yield { kind: 'problem', path, reason: `cannot stat: ${(err as Error).message}` };
        continue;
      }
      const node: LayerNode = { kind: 'node', path, type: 'other', mode: st.mode & 0o7777, size: 0, read: () => readFile(full) };
      if (st.isFile()) {
        node.type = 'file';
        node.size = st.size;
      } else if (st.isDirectory()) {
        node.type = 'dir';
        subdirs.push(path);
      } else if (st.isSymbolicLink()) {
        node.type = 'symlink';
        node.linkTarget = await readlink(full).catch(() => '');
      }
      yield node;
    }
    // Visit subdirectories in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}
