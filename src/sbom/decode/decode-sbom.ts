import { GroutError } from '../../core/errors.js';
import type { Inventory } from '../../core/model.js';
import { buildInventory } from './build-inventory.js';
import { readCycloneDx } from './cyclonedx-read.js';
import { isRecord, type JsonRecord } from './json-guard.js';
import type { RawDocument } from './raw-document.js';
import { readSpdx } from './spdx-read.js';

/**
 * The largest SBOM read. Trivy's CycloneDX of a 120-package Debian image is 1.3 MB (it lists every installed
 * file); 64 MiB leaves room for images with tens of thousands of packages and stops a runaway input.
 */
export const MAX_SBOM_BYTES = 64 * 1024 * 1024;

const CYCLONEDX_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);
const SPDX_VERSIONS = new Set(['SPDX-2.2', 'SPDX-2.3']);

/**
 * Decode a CycloneDX (1.2–1.7) or SPDX (2.2, 2.3) JSON document — grout's own or another tool's (Syft, Trivy) —
 * into the inventory of the image it describes, so it can be matched like a scanned image. Components that cannot
 * be used (no purl, a purl of an ecosystem grout does not match, a malformed purl) become inventory issues.
 *
 * Throws GroutError E_INPUT_FORMAT, naming the file and the reason, when the bytes are not such a document
 * (not JSON, another format, too large, the wrong shape).
 *
 * @example
 * const inv = decodeSbom(readFileSync('image.cdx.json'), 'image.cdx.json');
 */
export function decodeSbom(bytes: Uint8Array, label: string): Inventory {
  const json = parseDocument(bytes, label);
  return buildInventory(readDocument(json, label), label);
}

function fail(label: string, reason: string, hint?: string, cause?: unknown): GroutError {
  return new GroutError('E_INPUT_FORMAT', `${label} ${reason}`, {
    file: label,
    ...(hint !== undefined ? { hint } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}

function parseDocument(bytes: Uint8Array, label: string): JsonRecord {
  if (bytes.byteLength > MAX_SBOM_BYTES) {
    throw fail(label, `is ${bytes.byteLength} bytes, over the ${MAX_SBOM_BYTES}-byte limit for an SBOM`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw fail(label, 'is not UTF-8 text, so not a CycloneDX or SPDX JSON document', undefined, cause);
  }
  text = text.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.length === 0) throw fail(label, 'is empty, not an SBOM');
  if (start.startsWith('<')) {
    const head = start.slice(0, 4096);
    if (/cyclonedx/i.test(head)) throw fail(label, 'is CycloneDX XML; write it as JSON', 'e.g. `cyclonedx convert --output-format json`, or ask the tool for CycloneDX JSON');
    if (/spdx/i.test(head)) throw fail(label, 'is SPDX RDF/XML; write it as JSON');
    throw fail(label, 'is XML, not a CycloneDX or SPDX JSON document');
  }
  if (/^(?:#[^\n]*\n\s*)*SPDXVersion\s*:/.test(start)) {
    throw fail(label, 'is SPDX tag-value; write it as JSON', 'e.g. `trivy … --format spdx-json`, `syft … -o spdx-json`');
  }
  let value: unknown;
  try {
    value = JSON.parse(start);
  } catch (cause) {
    const detail = cause instanceof SyntaxError ? `: ${cause.message.slice(0, 200)}` : '';
    throw fail(label, `is not valid JSON${detail}`, undefined, cause);
  }
  if (!isRecord(value)) throw fail(label, `is JSON ${Array.isArray(value) ? 'array' : typeof value === 'object' ? 'null' : typeof value}, not a CycloneDX or SPDX document`);
  return value;
}

function readDocument(doc: JsonRecord, label: string): RawDocument {
  const bomFormat = doc['bomFormat'];
  if (bomFormat !== undefined) {
    if (bomFormat !== 'CycloneDX') throw fail(label, `has bomFormat ${quote(bomFormat)}; only "CycloneDX" is known`);
    const specVersion = doc['specVersion'];
    if (typeof specVersion !== 'string' || !CYCLONEDX_VERSIONS.has(specVersion)) {
      throw fail(label, `is CycloneDX specVersion ${quote(specVersion)}; grout reads 1.2 to 1.7`);
    }
    expectArray(doc, 'components', label);
    expectArray(doc, 'dependencies', label);
    return readCycloneDx(doc, label);
  }
  const spdxVersion = doc['spdxVersion'];
  if (spdxVersion !== undefined) {
    if (typeof spdxVersion !== 'string' || !SPDX_VERSIONS.has(spdxVersion)) {
      throw fail(label, `is ${quote(spdxVersion)}; grout reads SPDX-2.2 and SPDX-2.3 JSON`);
    }
    expectArray(doc, 'packages', label);
    expectArray(doc, 'relationships', label);
    return readSpdx(doc, label);
  }
  const context = doc['@context'];
  const contexts = typeof context === 'string' ? [context] : Array.isArray(context) ? context.slice(0, 16) : [];
  if (contexts.some((c) => typeof c === 'string' && /spdx/i.test(c))) throw fail(label, 'is SPDX 3 JSON-LD; grout reads SPDX 2.2 and 2.3 JSON');
  throw fail(label, 'is JSON but not an SBOM: it has neither bomFormat "CycloneDX" nor spdxVersion');
}

function expectArray(doc: JsonRecord, key: string, label: string): void {
  const value = doc[key];
  if (value !== undefined && !Array.isArray(value)) throw fail(label, `has "${key}" that is ${value === null ? 'null' : typeof value}, not an array`);
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : typeof value;
}
