export { inventory, type InventoryOptions } from './inventory.js';
export { sbom, encodeInventory, isSbomFormat, SBOM_FORMATS, type SbomFormat } from './sbom.js';
