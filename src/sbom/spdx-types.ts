import type { ExtractedLicense } from './license-choice.js';

/** The subset of SPDX 2.3 JSON that grout writes. Key order in these objects is the order written. */
export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { creators: string[]; created: string };
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: ExtractedLicense[];
  relationships: SpdxRelationship[];
}

export type SpdxPurpose = 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY' | 'APPLICATION' | 'FRAMEWORK' | 'FILE';

export interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  checksums?: { algorithm: 'SHA256'; checksumValue: string }[];
  sourceInfo?: string;
  licenseConcluded: 'NOASSERTION';
  licenseDeclared: string;
  copyrightText: 'NOASSERTION';
  description?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: SpdxPurpose;
  annotations?: SpdxAnnotation[];
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER';
  referenceType: 'purl';
  referenceLocator: string;
}

export interface SpdxAnnotation {
  annotationType: 'OTHER';
  annotator: string;
  annotationDate: string;
  comment: string;
}

export type SpdxRelationshipType = 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON';

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: SpdxRelationshipType;
  relatedSpdxElement: string;
}
