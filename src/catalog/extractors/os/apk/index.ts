/** apk package databases: Alpine, Wolfi, Chainguard. */
export { apkExtractor } from './apk-extractor.js';
export { apkDigest } from './checksum.js';
