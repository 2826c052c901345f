export { inventory, type InventoryOptions } from './inventory.js';
export { sbom, encodeInventory, isSbomFormat, SBOM_FORMATS, type SbomFormat } from './sbom.js';
export { failingFindings, scan, scanInput, SBOM_SOURCE_PREFIX, SEVERITY_LEVELS, type ScanOptions } from './vuln-scan.js';
