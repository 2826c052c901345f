export { encodeInventoryJson, INVENTORY_SCHEMA, inventoryJsonChunks } from './inventory-json.js';
export { encodeInventoryTable } from './inventory-table.js';
export { summariseImage, encodeImageSummaryJson, encodeImageSummaryText, type ImageSummary } from './inspect.js';
