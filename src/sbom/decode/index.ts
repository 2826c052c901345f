/**
 * SBOM input: a CycloneDX or SPDX JSON document (grout's own, Syft's, Trivy's) decoded into the inventory of the
 * image it describes, so `grout scan sbom:file` matches it like the image itself.
 */
export { decodeSbom, MAX_SBOM_BYTES } from './decode-sbom.js';
export { MAX_COMPONENT_DEPTH } from './cyclonedx-read.js';
