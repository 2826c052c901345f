import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LayerCache } from '../cache/layer-cache.js';
import { GroutError } from '../core/errors.js';
import { cacheCommand, formatBytes } from './cache-command.js';

const work = mkdtempSync(join(tmpdir(), 'grout-cache-cli-'));
const saved = { dir: process.env['GROUT_CACHE_DIR'], max: process.env['GROUT_CACHE_MAX_BYTES'] };
afterAll(() => {
  if (saved.dir === undefined) delete process.env['GROUT_CACHE_DIR'];
  else process.env['GROUT_CACHE_DIR'] = saved.dir;
  if (saved.max === undefined) delete process.env['GROUT_CACHE_MAX_BYTES'];
  else process.env['GROUT_CACHE_MAX_BYTES'] = saved.max;
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
let root = '';
beforeEach(() => {
  root = join(work, `root-${n++}`);
  process.env['GROUT_CACHE_DIR'] = root;
  delete process.env['GROUT_CACHE_MAX_BYTES'];
});

function addBlob(bytes: Buffer, ageMs: number): string {
  const dir = join(root, 'blobs', 'sha256');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, createHash('sha256').update(bytes).digest('hex'));
  writeFileSync(path, bytes);
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
  return path;
}

async function addLayerResult(c: string): Promise<void> {
  await new LayerCache({ root }).put(`sha256:${c.repeat(64)}`, '0123456789abcdef0123456789abcdef', Buffer.from(`result ${c}`));
}

async function run(args: string[]): Promise<{ stdout: string; error?: GroutError }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += chunk.toString();
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  });
  const program = new Command('grout').exitOverride().addCommand(cacheCommand());
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout };
  } catch (error) {
    if (!(error instanceof GroutError)) throw error;
    return { stdout, error };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('grout cache', () => {
  it('status shows entries and bytes of blobs and layer results, and the cap', async () => {
    addBlob(Buffer.alloc(2048, 1), 0);
    await addLayerResult('a');
    await addLayerResult('b');
    const { stdout } = await run(['cache', 'status']);
    expect(stdout).toMatch(/^CACHE +ENTRIES +SIZE +DIRECTORY\n/);
    expect(stdout).toMatch(new RegExp(`blobs +1 +2\\.0 KiB +${join(root, 'blobs', 'sha256')}\n`));
    expect(stdout).toMatch(new RegExp(`layer results +2 \\(2 layers\\) +\\d+ B +${join(root, 'layers')}\n`));
    expect(stdout).toMatch(new RegExp(`image inventories +0 +0 B +${join(root, 'images')}\n`));
    expect(stdout).toMatch(/total \d\.\d KiB of 10\.0 GiB \(GROUT_CACHE_MAX_BYTES\)\n$/);
    const json = JSON.parse((await run(['cache', 'status', '-f', 'json'])).stdout);
    expect(json).toMatchObject({ root, maxBytes: 10 * 1024 ** 3, blobs: { blobs: 1, bytes: 2048 }, layers: { entries: 2, layers: 2 } });
  });

  it('status of a cache that does not exist yet is empty', async () => {
    const json = JSON.parse((await run(['cache', 'status', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ totalBytes: 0, blobs: { blobs: 0 }, layers: { entries: 0 } });
  });

  it('prune --max-size removes least recently used blobs first', async () => {
    const old = addBlob(Buffer.alloc(3000, 1), 60_000);
    const recent = addBlob(Buffer.alloc(3000, 2), 0);
    await addLayerResult('a');
    const { stdout } = await run(['cache', 'prune', '--max-size', '4K']);
    expect(stdout).toMatch(/^pruned to 4\.0 KiB: removed 1 blobs \(2\.9 KiB\), 0 layer results \(0 B\) and 0 image inventories \(0 B\); [23]\.\d KiB left\n$/);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it('prune without --max-size uses GROUT_CACHE_MAX_BYTES', async () => {
    addBlob(Buffer.alloc(3000, 1), 0);
    process.env['GROUT_CACHE_MAX_BYTES'] = '1K';
    const json = JSON.parse((await run(['cache', 'prune', '-f', 'json'])).stdout);
    expect(json).toEqual({ blobs: { removed: 1, freedBytes: 3000 }, layers: { removed: 0, freedBytes: 0 }, images: { removed: 0, freedBytes: 0 }, totalBytes: 0 });
  });

  it('prune refuses a size it cannot read', async () => {
    const { error } = await run(['cache', 'prune', '--max-size', 'lots']);
    expect(error?.code).toBe('E_USAGE');
    expect(error?.message).toContain('--max-size "lots"');
  });

  it('clean removes every blob and layer result', async () => {
    addBlob(Buffer.alloc(100, 1), 0);
    await addLayerResult('a');
    const { stdout } = await run(['cache', 'clean']);
    expect(stdout).toBe('cleaned: removed 1 blobs (100 B), 1 layer results (' + stdout.split('layer results (')[1]!.split(')')[0] + ') and 0 image inventories (0 B); 0 B left\n');
    expect(existsSync(join(root, 'layers'))).toBe(false);
    expect(JSON.parse((await run(['cache', 'status', '-f', 'json'])).stdout).totalBytes).toBe(0);
  });

  it('formats sizes in powers of 1024', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.0 GiB']);
  });
});
