/**
 * CycloneDX VEX (1.4–1.6, https://cyclonedx.org/docs/1.6/json/#vulnerabilities): `vulnerabilities[]` with `id`,
 * `references[].id` (other ids of the same vulnerability), `analysis.{state, justification, detail}` and
 * `affects[].ref`. A ref is a bom-ref of `components[]` (nested ones too) or of `metadata.component`, a purl, or a
 * BOM-Link (`urn:cdx:…#bom-ref`) whose bom-ref is resolved the same way.
 *
 * Analysis states map onto OpenVEX's: `not_affected` and `false_positive` → not_affected; `resolved` and
 * `resolved_with_pedigree` → fixed; `exploitable` → affected; `in_triage` → under_investigation. A vulnerability
 * without `analysis` is a finding report, not a VEX statement, and is skipped. `affects[].versions` is not read:
 * the ref names the component.
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

const STATES: Readonly<Record<string, VexStatus>> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};
const MAX_COMPONENTS = 200_000;
const MAX_DEPTH = 32;

export function isCycloneDx(doc: unknown): boolean {
  return isRecord(doc) && doc['bomFormat'] === 'CycloneDX';
}

interface ComponentRef {
  purl?: string;
  image: boolean;
  digests: string[];
}

export function parseCycloneDxVex(doc: Record<string, unknown>, source: string): VexDocument {
  const vulnerabilities = doc['vulnerabilities'] ?? [];
  if (!Array.isArray(vulnerabilities)) throw vexError(source, '`vulnerabilities` must be a list');
  if (vulnerabilities.length > MAX_VEX_STATEMENTS) throw vexError(source, `has more than ${MAX_VEX_STATEMENTS} vulnerabilities`);
  const refs = componentRefs(doc, source);
  const metadata = isRecord(doc['metadata']) ? doc['metadata'] : {};
  const docTimestamp = optionalText(source, 'metadata.timestamp', metadata['timestamp']);
  const statements: VexStatement[] = [];
  for (const [i, raw] of vulnerabilities.entries()) {
    const statement = readVulnerability(raw, `vulnerabilities[${i}]`, source, refs, docTimestamp);
    if (statement !== undefined) statements.push(statement);
  }
  return { source, format: 'cyclonedx', statements };
}

function readVulnerability(raw: unknown, where: string, source: string, refs: Map<string, ComponentRef>, docTimestamp: string | undefined): VexStatement | undefined {
  if (!isRecord(raw)) throw vexError(source, `${where} must be an object`);
  const id = optionalText(source, `${where}.id`, raw['id']);
  if (id === undefined || id === '') throw vexError(source, `${where}.id is missing`);
  const analysis = raw['analysis'];
  if (analysis === undefined) return undefined;
  if (!isRecord(analysis)) throw vexError(source, `${where}.analysis must be an object`);
  const state = optionalText(source, `${where}.analysis.state`, analysis['state']);
  if (state === undefined) return undefined;
  const status = Object.hasOwn(STATES, state) ? STATES[state] : undefined;
  if (status === undefined) throw vexError(source, `${where}.analysis.state ${JSON.stringify(state)} is not a CycloneDX impact analysis state (${Object.keys(STATES).join(', ')})`);

  const ids = [id];
  const references = raw['references'];
  if (references !== undefined && !Array.isArray(references)) throw vexError(source, `${where}.references must be a list`);
  for (const [j, ref] of (references ?? []).slice(0, 1000).entries()) {
    if (!isRecord(ref)) throw vexError(source, `${where}.references[${j}] must be an object`);
    const other = optionalText(source, `${where}.references[${j}].id`, ref['id']);
    if (other !== undefined && other !== '') ids.push(other);
  }

  const affects = raw['affects'];
  if (!Array.isArray(affects) || affects.length === 0) throw vexError(source, `${where}.affects must be a non-empty list of component refs`);
  if (affects.length > MAX_VEX_PRODUCTS) throw vexError(source, `${where}.affects has more than ${MAX_VEX_PRODUCTS} entries`);
  const products = affects.map((a, j) => {
    const at = `${where}.affects[${j}]`;
    if (!isRecord(a)) throw vexError(source, `${at} must be an object`);
    const ref = optionalText(source, `${at}.ref`, a['ref']);
    if (ref === undefined || ref === '') throw vexError(source, `${at}.ref is missing`);
    return resolveRef(ref, at, source, refs);
  });

  const statement: VexStatement = { ids: [...new Set(ids)], status, products, where };
  const justification = optionalText(source, `${where}.analysis.justification`, analysis['justification']);
  if (justification !== undefined) statement.justification = justification;
  else if (state === 'false_positive') statement.justification = 'false_positive';
  const detail = optionalText(source, `${where}.analysis.detail`, analysis['detail']);
  if (detail !== undefined) statement.detail = detail;
  const timestamp =
    optionalText(source, `${where}.analysis.lastUpdated`, analysis['lastUpdated']) ?? optionalText(source, `${where}.updated`, raw['updated']) ?? docTimestamp;
  if (timestamp !== undefined) statement.timestamp = timestamp;
  return statement;
}

function resolveRef(ref: string, where: string, source: string, refs: Map<string, ComponentRef>): VexProduct {
  const bomLink = ref.startsWith('urn:cdx:');
  const key = bomLink ? safeDecode(ref.slice(ref.indexOf('#') + 1)) : ref;
  const component = refs.get(key);
  if (component?.image === true) return { kind: 'image', digests: component.digests, subcomponents: [] };
  const purlText = component?.purl ?? (key.startsWith('pkg:') ? key : undefined);
  if (purlText !== undefined) {
    const purl = parsePurl(purlText);
    if (purl === undefined) throw vexError(source, `${where}.ref resolves to ${JSON.stringify(purlText)}, not a valid package URL`);
    if (purl.type === 'oci' || purl.type === 'docker') return { kind: 'image', digests: purl.version ? [purl.version] : [], subcomponents: [] };
    return { kind: 'package', purl };
  }
  if (isImageDigest(key)) return { kind: 'image', digests: [key], subcomponents: [] };
  // A BOM-Link into another BOM names a component grout cannot see; a plain ref must resolve here.
  if (bomLink || component !== undefined) return { kind: 'other', id: ref };
  throw vexError(source, `${where}.ref ${JSON.stringify(ref)} names no component of this BOM and is not a package URL`);
}

/** bom-ref → what it names: every component (nested too) and the BOM's subject, `metadata.component`. */
function componentRefs(doc: Record<string, unknown>, source: string): Map<string, ComponentRef> {
  const refs = new Map<string, ComponentRef>();
  let count = 0;
  const visit = (raw: unknown, depth: number, subject: boolean): void => {
    if (!isRecord(raw)) return;
    if (++count > MAX_COMPONENTS) throw vexError(source, `has more than ${MAX_COMPONENTS} components`);
    const bomRef = typeof raw['bom-ref'] === 'string' ? raw['bom-ref'] : undefined;
    const purl = typeof raw['purl'] === 'string' ? raw['purl'] : undefined;
    const image = raw['type'] === 'container' || (subject && (purl === undefined || purl.startsWith('pkg:oci/') || purl.startsWith('pkg:docker/')));
    const digests: string[] = [];
    if (Array.isArray(raw['hashes'])) {
      for (const h of raw['hashes'].slice(0, 16)) {
        if (isRecord(h) && h['alg'] === 'SHA-256' && typeof h['content'] === 'string') digests.push(`sha256:${h['content'].toLowerCase()}`);
      }
    }
    if (typeof raw['version'] === 'string' && isImageDigest(raw['version'])) digests.push(raw['version']);
    const entry: ComponentRef = { image, digests };
    if (purl !== undefined) entry.purl = purl;
    if (bomRef !== undefined) refs.set(bomRef, entry);
    if (depth < MAX_DEPTH && Array.isArray(raw['components'])) for (const c of raw['components']) visit(c, depth + 1, false);
  };
  const metadata = doc['metadata'];
  if (isRecord(metadata)) visit(metadata['component'], 0, true);
  if (Array.isArray(doc['components'])) for (const c of doc['components']) visit(c, 0, false);
  return refs;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
