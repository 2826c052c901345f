import { describe, expect, it } from 'vitest';
import type { FileRecord, Inventory } from '../core/model.js';
import { isUnownedExecutable, rememberUnownedExecutables, unownedExecutableFiles } from './file-subsets.js';

const file = (path: string, owners: string[], executable?: FileRecord['executable']): FileRecord => ({
  path,
  layer: 0,
  size: 1,
  mode: 0o755,
  type: 'file',
  owners,
  ...(executable ? { executable } : {}),
});

function inventory(files: FileRecord[]): Inventory {
  return { image: { reference: 'r', transport: 'oci', tags: [], layers: [], labels: {} }, packages: [], files, relationships: [], issues: [], extractors: [] };
}

describe('unownedExecutableFiles', () => {
  const elf = { format: 'elf' as const, elfType: 'executable' as const };
  const files = [file('b', [], elf), file('a', ['p'], elf), file('c', []), file('d', [], { format: 'script', shebang: '/bin/sh' })];

  it('filters an inventory as it stands, in file order', () => {
    expect(unownedExecutableFiles(inventory(files)).map((f) => f.path)).toEqual(['b', 'd']);
    expect(files.filter(isUnownedExecutable).map((f) => f.path)).toEqual(['b', 'd']);
    expect(unownedExecutableFiles(inventory([]))).toEqual([]);
  });

  it('gives what was remembered for an inventory, without reading its files', () => {
    const inv = inventory([]);
    Object.defineProperty(inv, 'files', {
      enumerable: true,
      get() {
        throw new Error('files read');
      },
    });
    const kept = [file('x', [], elf)];
    rememberUnownedExecutables(inv, kept);
    expect(unownedExecutableFiles(inv)).toBe(kept);
    // Only that inventory: another is filtered.
    expect(unownedExecutableFiles(inventory(files))).toHaveLength(2);
  });
});
