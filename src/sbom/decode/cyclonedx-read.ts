import type { InventoryIssue } from '../../core/model.js';
import { arrayField, isRecord, recordField, recordsOf, stringField, type JsonRecord } from './json-guard.js';
import type { Fact, RawComponent, RawDocument } from './raw-document.js';

export const CYCLONEDX_STAGE = 'sbom/cyclonedx@1';

/** Components nest (`components[].components`); deeper than this is not a real BOM, and the rest is skipped. */
export const MAX_COMPONENT_DEPTH = 32;

/**
 * Read a CycloneDX JSON BOM (https://cyclonedx.org/docs/1.6/json/) into components and facts. The walk over
 * nested components uses an explicit stack, so nesting depth costs no call stack; components below
 * MAX_COMPONENT_DEPTH are reported once as an issue.
 */
export function readCycloneDx(bom: JsonRecord, label: string): RawDocument {
  const issues: InventoryIssue[] = [];
  const components: RawComponent[] = [];
  const metadata = recordField(bom, 'metadata');
  const subjectJson = metadata ? recordField(metadata, 'component') : undefined;

  const stack: Array<{ value: unknown; depth: number }> = arrayField(bom, 'components')
    .map((value) => ({ value, depth: 1 }))
    .reverse();
  let tooDeep = 0;
  let notObjects = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (!isRecord(value)) {
      notObjects++;
      continue;
    }
    components.push(readComponent(value));
    const children = arrayField(value, 'components');
    if (children.length === 0) continue;
    if (depth >= MAX_COMPONENT_DEPTH) {
      tooDeep += children.length;
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ value: children[i], depth: depth + 1 });
  }
  if (notObjects > 0) issues.push({ path: label, stage: CYCLONEDX_STAGE, reason: `${notObjects} component entries are not objects; skipped` });
  if (tooDeep > 0) {
    issues.push({ path: label, stage: CYCLONEDX_STAGE, reason: `components nested deeper than ${MAX_COMPONENT_DEPTH} levels; ${tooDeep} skipped with everything below them` });
  }

  const dependsOn: Array<[string, string]> = [];
  for (const dep of recordsOf(bom, 'dependencies')) {
    const ref = stringField(dep, 'ref');
    if (ref === undefined) continue;
    for (const to of arrayField(dep, 'dependsOn')) if (typeof to === 'string') dependsOn.push([ref, to]);
  }

  return {
    format: 'cyclonedx',
    stage: CYCLONEDX_STAGE,
    ...(subjectJson ? { subject: readComponent(subjectJson) } : {}),
    components,
    dependsOn,
    issues,
  };
}

function readComponent(c: JsonRecord): RawComponent {
  const type = stringField(c, 'type');
  const purl = stringField(c, 'purl');
  const out: RawComponent = {
    kind: type === 'operating-system' ? 'operating-system' : type === 'file' && purl === undefined ? 'file' : 'package',
    licenses: licensesOf(c),
    facts: propertiesOf(c),
  };
  const ref = stringField(c, 'bom-ref');
  if (ref !== undefined) out.ref = ref;
  const name = stringField(c, 'name');
  if (name !== undefined) out.name = name;
  const version = stringField(c, 'version');
  if (version !== undefined) out.version = version;
  if (purl !== undefined) out.purl = purl;
  const supplier = stringField(c, 'publisher') ?? supplierName(c);
  if (supplier !== undefined) out.supplier = supplier;
  const description = stringField(c, 'description');
  if (description !== undefined) out.description = description;
  const sha256 = recordsOf(c, 'hashes').find((h) => stringField(h, 'alg') === 'SHA-256');
  const content = sha256 ? stringField(sha256, 'content') : undefined;
  if (content !== undefined && /^[0-9a-fA-F]{64}$/.test(content)) out.sha256 = content.toLowerCase();
  return out;
}

function supplierName(c: JsonRecord): string | undefined {
  const supplier = recordField(c, 'supplier');
  return supplier ? stringField(supplier, 'name') : undefined;
}

function propertiesOf(c: JsonRecord): Fact[] {
  const facts: Fact[] = [];
  for (const p of recordsOf(c, 'properties')) {
    const name = stringField(p, 'name');
    const value = p['value'];
    if (name !== undefined && typeof value === 'string') facts.push({ name, value });
  }
  return facts;
}

/** `licenses`: a list of `{license: {id | name}}` or `{expression}` entries. */
function licensesOf(c: JsonRecord): string[] {
  const out: string[] = [];
  for (const entry of recordsOf(c, 'licenses')) {
    const expression = stringField(entry, 'expression');
    if (expression !== undefined) {
      out.push(expression);
      continue;
    }
    const license = recordField(entry, 'license');
    const text = license ? (stringField(license, 'id') ?? stringField(license, 'name')) : undefined;
    if (text !== undefined) out.push(text);
  }
  return out;
}
