/** Cargo.lock files (format v1 to v4). */
export { cargoLockExtractor } from './cargo-lock-extractor.js';
