import type { InventoryIssue } from '../../core/model.js';

/**
 * What both decoders make of a document before any interpretation: components with their names, purls and
 * name/value facts (CycloneDX properties, SPDX annotations `name: value`), in document order. One interpretation
 * (`buildInventory`) then serves CycloneDX and SPDX alike.
 */
export interface Fact {
  name: string;
  value: string;
}

export type RawKind = 'package' | 'operating-system' | 'file' | 'other';

export interface RawComponent {
  /** bom-ref or SPDXID; unique within the document when the document is valid. */
  ref?: string;
  kind: RawKind;
  name?: string;
  version?: string;
  purl?: string;
  licenses: string[];
  /** CycloneDX publisher/supplier, SPDX supplier (without the `Organization:` prefix). */
  supplier?: string;
  /** SPDX sourceInfo. */
  sourceInfo?: string;
  description?: string;
  sha256?: string;
  facts: Fact[];
}

export type SbomFormat = 'cyclonedx' | 'spdx';

export interface RawDocument {
  format: SbomFormat;
  /** The decoder, as `foundBy` and `stage`: sbom/cyclonedx@1, sbom/spdx@1. */
  stage: string;
  /** The thing the document describes (CycloneDX metadata.component, the SPDX package it DESCRIBES). */
  subject?: RawComponent;
  components: RawComponent[];
  /** depends-on edges between component refs. */
  dependsOn: Array<[from: string, to: string]>;
  issues: InventoryIssue[];
}

/** The first value of a fact, by name. */
export function factValue(facts: readonly Fact[], name: string): string | undefined {
  return facts.find((f) => f.name === name)?.value;
}

/** Every value of a fact, in order. */
export function factValues(facts: readonly Fact[], name: string): string[] {
  return facts.filter((f) => f.name === name).map((f) => f.value);
}
