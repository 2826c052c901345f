/**
 * OpenVEX v0.2.0 (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md): `statements[]`, each a vulnerability
 * (`name`, `aliases`), `products[]` (`@id`, `identifiers.purl`, `hashes`, `subcomponents[]`), a `status` and, for
 * `not_affected`, a `justification` or `impact_statement` (the spec's MUST, enforced). v0.0.1's plain-string
 * `vulnerability` is accepted too.
 */
import { parsePurl } from './purl-match.js';
import {
  MAX_VEX_PRODUCTS,
  MAX_VEX_STATEMENTS,
  isImageDigest,
  isRecord,
  optionalText,
  vexError,
  type VexDocument,
  type VexProduct,
  type VexStatement,
  type VexStatus,
} from './vex-document.js';
import type { PackageURL } from 'packageurl-js';

const STATUSES: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];
const JUSTIFICATIONS = new Set([
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
]);

export function isOpenVex(doc: unknown): boolean {
  return isRecord(doc) && typeof doc['@context'] === 'string' && doc['@context'].includes('openvex');
}

export function parseOpenVex(doc: Record<string, unknown>, source: string): VexDocument {
  const statements = doc['statements'];
  if (!Array.isArray(statements)) throw vexError(source, '`statements` must be a list');
  if (statements.length > MAX_VEX_STATEMENTS) throw vexError(source, `has more than ${MAX_VEX_STATEMENTS} statements`);
  const docTimestamp = optionalText(source, 'timestamp', doc['timestamp']);
  return { source, format: 'openvex', statements: statements.map((s, i) => readStatement(s, `statements[${i}]`, source, docTimestamp)) };
}

function readStatement(raw: unknown, where: string, source: string, docTimestamp: string | undefined): VexStatement {
  if (!isRecord(raw)) throw vexError(source, `${where} must be an object`);
  const ids = readVulnerability(raw['vulnerability'], `${where}.vulnerability`, source);
  const status = raw['status'];
  if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
    throw vexError(source, `${where}.status must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
  }
  const justification = optionalText(source, `${where}.justification`, raw['justification']);
  if (justification !== undefined && !JUSTIFICATIONS.has(justification)) {
    throw vexError(source, `${where}.justification ${JSON.stringify(justification)} is not an OpenVEX justification (${[...JUSTIFICATIONS].join(', ')})`);
  }
  const detail = optionalText(source, `${where}.impact_statement`, raw['impact_statement']);
  if (status === 'not_affected' && justification === undefined && detail === undefined) {
    throw vexError(source, `${where} is not_affected without a justification or impact_statement (the OpenVEX spec requires one)`);
  }
  const products = raw['products'];
  if (!Array.isArray(products) || products.length === 0) throw vexError(source, `${where}.products must be a non-empty list (grout has no encapsulating document to inherit products from)`);
  if (products.length > MAX_VEX_PRODUCTS) throw vexError(source, `${where}.products has more than ${MAX_VEX_PRODUCTS} entries`);
  const statement: VexStatement = {
    ids,
    status: status as VexStatus,
    products: products.map((p, i) => readProduct(p, `${where}.products[${i}]`, source)),
    where,
  };
  if (justification !== undefined) statement.justification = justification;
  if (detail !== undefined) statement.detail = detail;
  const timestamp = optionalText(source, `${where}.timestamp`, raw['timestamp']) ?? docTimestamp;
  if (timestamp !== undefined) statement.timestamp = timestamp;
  return statement;
}

function readVulnerability(raw: unknown, where: string, source: string): string[] {
  if (typeof raw === 'string' && raw !== '') return [raw];
  if (!isRecord(raw)) throw vexError(source, `${where} must be an object with a name`);
  const name = optionalText(source, `${where}.name`, raw['name']);
  if (name === undefined || name === '') throw vexError(source, `${where}.name is missing`);
  const aliases = raw['aliases'];
  if (aliases !== undefined && !Array.isArray(aliases)) throw vexError(source, `${where}.aliases must be a list`);
  const ids = [name];
  for (const [i, alias] of (aliases ?? []).slice(0, 1000).entries()) {
    const text = optionalText(source, `${where}.aliases[${i}]`, alias);
    if (text !== undefined && text !== '') ids.push(text);
  }
  return [...new Set(ids)];
}

interface Component {
  ids: string[];
  purls: PackageURL[];
  digests: string[];
}

function readComponent(raw: unknown, where: string, source: string): Component {
  if (!isRecord(raw)) throw vexError(source, `${where} must be an object`);
  const ids: string[] = [];
  const id = optionalText(source, `${where}["@id"]`, raw['@id']);
  if (id !== undefined) ids.push(id);
  const identifiers = raw['identifiers'];
  if (identifiers !== undefined) {
    if (!isRecord(identifiers)) throw vexError(source, `${where}.identifiers must be an object`);
    const purl = optionalText(source, `${where}.identifiers.purl`, identifiers['purl']);
    if (purl !== undefined) ids.push(purl);
  }
  const digests: string[] = [];
  const hashes = raw['hashes'];
  if (hashes !== undefined) {
    if (!isRecord(hashes)) throw vexError(source, `${where}.hashes must be an object`);
    const sha256 = optionalText(source, `${where}.hashes["sha-256"]`, hashes['sha-256']);
    if (sha256 !== undefined) digests.push(`sha256:${sha256.toLowerCase()}`);
  }
  if (ids.length === 0 && digests.length === 0) throw vexError(source, `${where} has no @id, identifiers.purl or hashes`);
  const purls: PackageURL[] = [];
  for (const text of ids) {
    if (isImageDigest(text)) {
      digests.push(text);
      continue;
    }
    if (!text.startsWith('pkg:')) continue;
    const purl = parsePurl(text);
    if (purl === undefined) throw vexError(source, `${where}: ${JSON.stringify(text)} is not a valid package URL`);
    purls.push(purl);
  }
  return { ids, purls, digests };
}

function readProduct(raw: unknown, where: string, source: string): VexProduct {
  const product = readComponent(raw, where, source);
  const rawSubs = isRecord(raw) ? raw['subcomponents'] : undefined;
  if (rawSubs !== undefined && !Array.isArray(rawSubs)) throw vexError(source, `${where}.subcomponents must be a list`);
  if ((rawSubs?.length ?? 0) > MAX_VEX_PRODUCTS) throw vexError(source, `${where}.subcomponents has more than ${MAX_VEX_PRODUCTS} entries`);
  const subcomponents = (rawSubs ?? []).flatMap((s, i) => readComponent(s, `${where}.subcomponents[${i}]`, source).purls);
  const imagePurl = product.purls.find((p) => p.type === 'oci' || p.type === 'docker');
  if (imagePurl !== undefined || (product.digests.length > 0 && product.purls.length === 0)) {
    const digests = [...product.digests];
    if (imagePurl?.version) digests.push(imagePurl.version);
    return { kind: 'image', digests, subcomponents };
  }
  if (subcomponents.length > 0) return { kind: 'components', subcomponents };
  const purl = product.purls[0];
  if (purl !== undefined) return { kind: 'package', purl };
  return { kind: 'other', id: product.ids[0] ?? '' };
}
