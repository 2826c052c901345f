/** grout's version, as the SBOM tool metadata reports it. Kept in step with package.json by a test. */
export const GROUT_VERSION = '0.1.0';
