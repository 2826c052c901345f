/**
 * `grout cache status | prune [--max-size 5G] | clean`: the on-disk cache of registry blobs and per-layer results.
 * Results on stdout; failures as GroutErrors for main.ts to print and map to exit codes.
 */
import { Command, Option } from 'commander';
import { maxBytesFromEnv, parseByteSize } from '../cache/blob-cache.js';
import { cacheStatus, cleanCache, pruneCache, type CachePruneResult, type CacheStatus } from '../cache/cache-admin.js';
import { GroutError } from '../core/errors.js';
import { writeOutput } from './output.js';

type Format = 'table' | 'json';

/** The `cache` command group; main.ts adds it with `program.addCommand(cacheCommand())`. */
export function cacheCommand(): Command {
  const cache = new Command('cache').description(
    'the on-disk cache ($GROUT_CACHE_DIR, else $XDG_CACHE_HOME/grout, else ~/.cache/grout): registry blobs and per-layer results',
  );
  const formatOption = () => new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table');

  cache
    .command('status')
    .description('entries and bytes of blobs and of layer results, and the size cap (GROUT_CACHE_MAX_BYTES)')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const status = await cacheStatus(undefined, maxBytesFromEnv());
      await writeOutput(opts.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderCacheStatus(status), undefined);
    });

  cache
    .command('prune')
    .description('remove least recently used blobs, then image inventories, then layer results, until the cache fits the size')
    .option('--max-size <size>', 'size to prune to: bytes, or with K/M/G/T (powers of 1024), e.g. 5G (default: GROUT_CACHE_MAX_BYTES or 10G)')
    .addOption(formatOption())
    .action(async (opts: { maxSize?: string; format: Format }) => {
      const maxBytes = opts.maxSize === undefined ? maxBytesFromEnv() : parseSizeOption(opts.maxSize);
      const result = await pruneCache(maxBytes);
      await writeOutput(opts.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderPruneResult(result, `pruned to ${formatBytes(maxBytes)}`), undefined);
    });

  cache
    .command('clean')
    .description('remove every cached blob, partial download, layer result and image inventory')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const result = await cleanCache();
      await writeOutput(opts.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderPruneResult(result, 'cleaned'), undefined);
    });
  return cache;
}

function parseSizeOption(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new GroutError('E_USAGE', `--max-size ${JSON.stringify(text)} is not a size`, { hint: 'write bytes, or e.g. 500M, 5G' });
  return bytes;
}

export function renderCacheStatus(status: CacheStatus): string {
  const rows = [
    ['blobs', String(status.blobs.blobs), formatBytes(status.blobs.bytes), status.blobs.dir],
    ['partial downloads', String(status.blobs.partials), formatBytes(status.blobs.partialBytes), ''],
    ['layer results', `${status.layers.entries} (${status.layers.layers} layers)`, formatBytes(status.layers.bytes), status.layers.dir],
    ['image inventories', String(status.images.entries), formatBytes(status.images.bytes), status.images.dir],
  ];
  return `${table(['CACHE', 'ENTRIES', 'SIZE', 'DIRECTORY'], rows)}total ${formatBytes(status.totalBytes)} of ${formatBytes(status.maxBytes)} (GROUT_CACHE_MAX_BYTES)\n`;
}

export function renderPruneResult(result: CachePruneResult, what: string): string {
  return (
    `${what}: removed ${result.blobs.removed} blobs (${formatBytes(result.blobs.freedBytes)}), ` +
    `${result.layers.removed} layer results (${formatBytes(result.layers.freedBytes)}) and ` +
    `${result.images.removed} image inventories (${formatBytes(result.images.freedBytes)}); ${formatBytes(result.totalBytes)} left\n`
  );
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`;
  return [header, ...rows].map(line).join('');
}
