import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';

/**
 * The SPDX licence list, as the CycloneDX library ships it (the same enumeration the CycloneDX 1.6 schema checks
 * `license.id` against, so an id grout writes there always validates). Ids match case-insensitively (SPDX 2.3
 * Annex D.2); the canonical spelling is returned: `mit` → `MIT`.
 */
export function canonicalLicenseId(text: string): string | undefined {
  return fixupSpdxId(text);
}
