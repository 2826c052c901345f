/**
 * VEX input, read into one shape whatever the format (OpenVEX or CycloneDX VEX): statements that a vulnerability
 * does or does not affect products. `not_affected` and `fixed` statements suppress findings (see suppress.ts).
 */
import type { PackageURL } from 'packageurl-js';
import { GroutError } from '../core/errors.js';

/** OpenVEX's status vocabulary; CycloneDX analysis states map onto it (see cyclonedx-vex.ts). */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

/** What a statement is about. */
export type VexProduct =
  /** A package, by purl. */
  | { kind: 'package'; purl: PackageURL }
  /**
   * The image (an `oci`/`docker` purl, an image digest, or the CycloneDX BOM's own subject): with subcomponents the
   * statement is about those packages in it; without, about every package of the image.
   */
  | { kind: 'image'; digests: string[]; subcomponents: PackageURL[] }
  /** A product named by packages inside it (a non-image product with subcomponents). */
  | { kind: 'components'; subcomponents: PackageURL[] }
  /** An identifier grout cannot compare with packages (a CPE, an IRI): matches nothing. */
  | { kind: 'other'; id: string };

export interface VexStatement {
  /** The vulnerability's name and aliases. */
  ids: string[];
  status: VexStatus;
  justification?: string;
  /** OpenVEX impact_statement, CycloneDX analysis.detail. */
  detail?: string;
  products: VexProduct[];
  /** ISO-8601; later statements about the same vulnerability and product win. */
  timestamp?: string;
  /** Where in the document, for messages: `statements[3]`, `vulnerabilities[0]`. */
  where: string;
}

export interface VexDocument {
  source: string;
  format: 'openvex' | 'cyclonedx';
  statements: VexStatement[];
}

export const MAX_VEX_STATEMENTS = 100_000;
export const MAX_VEX_PRODUCTS = 10_000;
export const MAX_VEX_TEXT = 8192;

export function vexError(source: string, message: string, cause?: unknown): GroutError {
  return new GroutError('E_INPUT_FORMAT', `VEX document ${source}: ${message}`, {
    file: source,
    hint: 'grout reads OpenVEX (v0.2.0) and CycloneDX VEX (1.4–1.6) JSON',
    ...(cause === undefined ? {} : { cause }),
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional bounded string field; a wrong type is an error naming the field. */
export function optionalText(source: string, where: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw vexError(source, `${where} must be a string`);
  if (value.length > MAX_VEX_TEXT) throw vexError(source, `${where} is longer than ${MAX_VEX_TEXT} characters`);
  return value;
}

export function isImageDigest(text: string): boolean {
  return /^sha(256|384|512):[0-9a-f]{32,128}$/.test(text);
}
