import type { CycloneDxLicenseChoice } from './license-choice.js';

/** The subset of CycloneDX 1.6 JSON that grout writes. Key order in these objects is the order written. */
export interface CycloneDxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: number;
  metadata: CycloneDxMetadata;
  components: CycloneDxComponent[];
  dependencies: CycloneDxDependency[];
}

export interface CycloneDxMetadata {
  timestamp: string;
  tools: { components: CycloneDxComponent[] };
  component: CycloneDxComponent;
}

export type CycloneDxComponentType = 'application' | 'framework' | 'library' | 'container' | 'operating-system' | 'file';

export interface CycloneDxComponent {
  'bom-ref'?: string;
  type: CycloneDxComponentType;
  publisher?: string;
  name: string;
  version?: string;
  description?: string;
  hashes?: { alg: 'SHA-256'; content: string }[];
  licenses?: CycloneDxLicenseChoice;
  purl?: string;
  properties?: CycloneDxProperty[];
}

export interface CycloneDxProperty {
  name: string;
  value: string;
}

export interface CycloneDxDependency {
  ref: string;
  dependsOn: string[];
}
