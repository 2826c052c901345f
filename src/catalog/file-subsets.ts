import type { FileRecord, Inventory } from '../core/model.js';

/**
 * Files of an inventory that outputs want without all the others: the executables and libraries no package owns.
 * An inventory decoded from the image cache (inventory-codec.ts) carries them apart, so CycloneDX, the table and
 * `scan` never build its tens of thousands of file records; any other inventory is filtered as it stands.
 */
const unownedByInventory = new WeakMap<Inventory, readonly FileRecord[]>();

/** Record the unowned executables of an inventory whose `files` are built only when read. */
export function rememberUnownedExecutables(inventory: Inventory, files: readonly FileRecord[]): void {
  unownedByInventory.set(inventory, files);
}

/** Files no package owns that are executables or libraries, in the inventory's file order. */
export function unownedExecutableFiles(inventory: Inventory): readonly FileRecord[] {
  return unownedByInventory.get(inventory) ?? inventory.files.filter(isUnownedExecutable);
}

export function isUnownedExecutable(file: FileRecord): boolean {
  return file.owners.length === 0 && file.executable !== undefined;
}
