/** Maven artifacts in Java archives (jar, war, ear, par, sar, jpi, hpi), nested archives included. */
export { javaArchiveExtractor, extractJavaArchive } from './java-archive-extractor.js';
export { defaultArchiveLimits, type ArchiveLimits } from './limits.js';
