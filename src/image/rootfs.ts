import { createReadStream, lstatSync, readdirSync, readlinkSync, type Dirent } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
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

/**
 * Depth-first walk in name order. Synchronous file system calls are used on purpose: a root file system has
 * hundreds of thousands of entries and one thread-pool round trip per lstat costs far more than the call itself.
 * The walk yields to the event loop between directories.
 */
async function* walk(root: string, signal?: AbortSignal): AsyncGenerator<LayerEntry | LayerEntryProblem> {
  const skipTop = root === '/' ? HOST_VIRTUAL : new Set<string>();
  const stack: string[] = [''];
  let sinceYield = 0;
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const rel = stack.pop()!;
    let dirents: Dirent[];
    try {
      dirents = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (err) {
      yield { kind: 'problem', path: rel || '.', reason: `cannot list directory: ${(err as Error).message}` };
      continue;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const dirent of dirents) {
      const name = dirent.name;
      if (rel === '' && skipTop.has(name)) continue;
      const path = rel ? `${rel}/${name}` : name;
      const full = join(root, path);
      const node: LayerNode = {
        kind: 'node',
        path,
        type: 'other',
        mode: 0,
        size: 0,
        read: () => readFile(full),
        stream: () => createReadStream(full, { highWaterMark: 1 << 20 }),
      };
      if (dirent.isDirectory()) {
        node.type = 'dir';
        node.mode = 0o755;
        subdirs.push(path);
      } else if (dirent.isFile() || dirent.isSymbolicLink()) {
        let st;
        try {
          st = lstatSync(full);
        } catch (err) {
          yield { kind: 'problem', path, reason: `cannot stat: ${(err as Error).message}` };
          continue;
        }
        node.mode = st.mode & 0o7777;
        if (st.isFile()) {
          node.type = 'file';
          node.size = st.size;
        } else if (st.isSymbolicLink()) {
          node.type = 'symlink';
          try {
            node.linkTarget = readlinkSync(full);
          } catch {
            node.linkTarget = '';
          }
        }
      }
      yield node;
    }
    // Visit subdirectories in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    if (++sinceYield >= 256) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
