import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export type Compression = 'gzip' | 'zstd' | 'none';

/** What a blob's first bytes say it is. */
export function compressionOf(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * The compression of every layer a docker-archive's manifest.json names, read from the layers' first bytes in one
 * pass over the archive (the benchmark promises an uncompressed archive: this checks it rather than trusting skopeo).
 */
export async function dockerArchiveLayerCompression(file: string): Promise<Map<string, Compression | 'not a regular file'>> {
  const heads = new Map<string, Compression>();
  let manifest = '';
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '');
    let head: Buffer | undefined;
    let text = '';
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      if (!head) head = chunk.subarray(0, 4);
      if (name === 'manifest.json' && text.length < 1 << 20) text += chunk.toString('utf8');
    });
    stream.on('end', () => {
      if (name === 'manifest.json') manifest = text;
      else if (head && header.type === 'file') heads.set(name, compressionOf(head));
      next();
    });
    stream.resume();
  });
  await pipeline(createReadStream(file), extract);
  const parsed = JSON.parse(manifest) as { Layers?: string[] }[];
  const layers = new Map<string, Compression | 'not a regular file'>();
  for (const name of parsed[0]?.Layers ?? []) layers.set(name, heads.get(name) ?? 'not a regular file');
  return layers;
}
