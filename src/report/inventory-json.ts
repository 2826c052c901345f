import type { Inventory } from '../core/model.js';

/** Version of grout's native inventory JSON; bumped on incompatible changes. */
export const INVENTORY_SCHEMA = 'grout.inventory/v1';

/**
 * grout's native JSON: the whole inventory, as the library returns it. Key order is fixed by construction and
 * every list is sorted, so the same image gives the same bytes.
 */
export function encodeInventoryJson(inventory: Inventory): string {
  return `${JSON.stringify({ schema: INVENTORY_SCHEMA, ...inventory }, null, 2)}\n`;
}
