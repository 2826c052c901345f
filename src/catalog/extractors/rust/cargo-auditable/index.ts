/** Rust binaries built with cargo-auditable: the crates of the embedded `.dep-v0` dependency tree. */
export { cargoAuditableExtractor } from './cargo-auditable-extractor.js';
export { parseAuditData, type AuditDataResult, type AuditPackage } from './audit-data.js';
