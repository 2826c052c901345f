import { lazyModule } from './lazy-module.js';

/**
 * packageurl-js, loaded the first time a purl is built or parsed rather than when grout starts: its module
 * initialisation creates an `Intl.Collator`, ~7-10 ms of ICU set-up, and a warm `grout sbom` from the cache builds
 * no purl but the image's own (sbom/oci-purl.ts writes that one).
 */
export const packageUrl = lazyModule<typeof import('packageurl-js')>('packageurl-js');
