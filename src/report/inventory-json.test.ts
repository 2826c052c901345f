import { describe, expect, it } from 'vitest';
import type { Inventory } from '../core/model.js';
import { encodeInventoryJson, INVENTORY_SCHEMA, inventoryJsonChunks } from './inventory-json.js';

/** What the pieces must add up to, byte for byte. */
const reference = (inv: unknown): string => `${JSON.stringify({ schema: INVENTORY_SCHEMA, ...(inv as object) }, null, 2)}\n`;

describe('the inventory JSON, written in pieces', () => {
  it('is exactly JSON.stringify of the whole, for empty, nested, odd and large values', () => {
    const file = (i: number) => ({
      path: `usr/lib/x/${i}\n"quoted"\u2028é\u{1F600}`,
      size: i,
      owners: i % 3 === 0 ? [] : [`pkg-${i}`],
      nested: { deep: [[], {}, [1, [2, { three: null }]]], none: undefined, fn: () => 1 },
    });
    const cases: unknown[] = [
      {},
      { image: { reference: 'r', layers: [] }, packages: [], files: [], issues: [] },
      { packages: [undefined, null, () => 1, 'text', 3, [], {}], skipped: undefined, fn: () => 2, sym: Symbol('s') },
      { image: { reference: 'r', tags: ['a', 'b'] }, files: Array.from({ length: 30_000 }, (_, i) => file(i)), extractors: ['os/dpkg@1'] },
      // A sparse list: its holes are nulls.
      { files: [1, , 3] },
      { when: new Date(0), text: 'line\nbreak' },
    ];
    for (const inv of cases) {
      const pieces = [...inventoryJsonChunks(inv as Inventory)];
      expect(pieces.join('')).toBe(reference(inv));
      expect(encodeInventoryJson(inv as Inventory)).toBe(reference(inv));
      // Large output comes in many pieces of bounded size; small output in one.
      for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeLessThan(2 * 512 * 1024);
    }
    expect([...inventoryJsonChunks(cases[3] as Inventory)].length).toBeGreaterThan(4);
    expect([...inventoryJsonChunks(cases[1] as Inventory)]).toHaveLength(1);
  });
});
