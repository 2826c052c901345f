import type { InventoryIssue } from '../../core/model.js';
import { arrayField, isRecord, recordField, recordsOf, stringField, type JsonRecord } from './json-guard.js';
import type { Fact, RawComponent, RawDocument, RawKind } from './raw-document.js';

export const SPDX_STAGE = 'sbom/spdx@1';

/** Trivy writes its package facts as annotations `SrcName: glibc`; they get the names its CycloneDX properties have. */
const TRIVY_PREFIX = 'aquasecurity:trivy:';

/**
 * Read an SPDX 2.2/2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/) into components and facts. The
 * package the document DESCRIBES is the subject (the image); every other package is a component. Facts come from
 * annotations written `name: value` (grout's `grout:…`, Trivy's `SrcName: …`).
 */
export function readSpdx(doc: JsonRecord, label: string): RawDocument {
  const issues: InventoryIssue[] = [];
  const relationships = recordsOf(doc, 'relationships');
  const described = new Set<string>();
  for (const id of arrayField(doc, 'documentDescribes')) if (typeof id === 'string') described.add(id);
  for (const r of relationships) {
    const type = stringField(r, 'relationshipType');
    // Trivy's early SPDX wrote DESCRIBE.
    if (stringField(r, 'spdxElementId') === 'SPDXRef-DOCUMENT' && (type === 'DESCRIBES' || type === 'DESCRIBE')) {
      const target = stringField(r, 'relatedSpdxElement');
      if (target !== undefined) described.add(target);
    }
  }

  const creationInfo = recordField(doc, 'creationInfo');
  const byTrivy = (creationInfo ? arrayField(creationInfo, 'creators') : []).some((c) => typeof c === 'string' && /^Tool:\s*trivy/i.test(c));
  let subject: RawComponent | undefined;
  const components: RawComponent[] = [];
  let notObjects = 0;
  for (const value of arrayField(doc, 'packages')) {
    if (!isRecord(value)) {
      notObjects++;
      continue;
    }
    const component = readPackage(value, byTrivy);
    // The first described package without a purl of an ecosystem is the image; a document describing a single
    // package of an ecosystem (a library SBOM) keeps that package as a component too.
    if (subject === undefined && component.ref !== undefined && described.has(component.ref) && !isEcosystemPurl(component.purl)) {
      subject = component;
      continue;
    }
    components.push(component);
  }
  if (notObjects > 0) issues.push({ path: label, stage: SPDX_STAGE, reason: `${notObjects} package entries are not objects; skipped` });

  const dependsOn: Array<[string, string]> = [];
  for (const r of relationships) {
    const from = stringField(r, 'spdxElementId');
    const to = stringField(r, 'relatedSpdxElement');
    const type = stringField(r, 'relationshipType');
    if (from === undefined || to === undefined) continue;
    if (type === 'DEPENDS_ON') dependsOn.push([from, to]);
    else if (type === 'DEPENDENCY_OF') dependsOn.push([to, from]);
  }

  return { format: 'spdx', stage: SPDX_STAGE, ...(subject ? { subject } : {}), components, dependsOn, issues };
}

function isEcosystemPurl(purl: string | undefined): boolean {
  return purl !== undefined && !purl.startsWith('pkg:oci/') && !purl.startsWith('pkg:docker/');
}

function readPackage(p: JsonRecord, byTrivy: boolean): RawComponent {
  const purpose = stringField(p, 'primaryPackagePurpose');
  const purl = purlOf(p);
  const ref = stringField(p, 'SPDXID');
  const out: RawComponent = {
    kind: kindOf(purpose, ref, purl),
    licenses: licensesOf(p),
    facts: factsOf(p, byTrivy),
  };
  if (ref !== undefined) out.ref = ref;
  const name = stringField(p, 'name');
  if (name !== undefined) out.name = name;
  const version = stringField(p, 'versionInfo');
  if (version !== undefined) out.version = version;
  if (purl !== undefined) out.purl = purl;
  const supplier = agentName(stringField(p, 'supplier'));
  if (supplier !== undefined) out.supplier = supplier;
  const sourceInfo = stringField(p, 'sourceInfo');
  if (sourceInfo !== undefined) out.sourceInfo = sourceInfo;
  const description = stringField(p, 'description');
  if (description !== undefined) out.description = description;
  const sha256 = recordsOf(p, 'checksums').find((c) => stringField(c, 'algorithm') === 'SHA256');
  const value = sha256 ? stringField(sha256, 'checksumValue') : undefined;
  if (value !== undefined && /^[0-9a-fA-F]{64}$/.test(value)) out.sha256 = value.toLowerCase();
  return out;
}

/** The purl external reference (category PACKAGE-MANAGER, or PACKAGE_MANAGER as some 2.3 writers spell it). */
function purlOf(p: JsonRecord): string | undefined {
  for (const ref of recordsOf(p, 'externalRefs')) {
    if (stringField(ref, 'referenceType') !== 'purl') continue;
    const locator = stringField(ref, 'referenceLocator');
    if (locator !== undefined) return locator;
  }
  return undefined;
}

/** `Organization: name (email)` / `Person: …` → the name; NOASSERTION → undefined. */
function agentName(agent: string | undefined): string | undefined {
  if (agent === undefined || agent === 'NOASSERTION') return undefined;
  const m = /^(?:Organization|Person|Tool):\s*(.*)$/.exec(agent);
  const name = (m?.[1] ?? agent).trim();
  return name.length > 0 ? name : undefined;
}

function licensesOf(p: JsonRecord): string[] {
  const declared = stringField(p, 'licenseDeclared') ?? stringField(p, 'licenseConcluded');
  return declared === undefined || declared === 'NOASSERTION' || declared === 'NONE' ? [] : [declared];
}

/**
 * The package's role. SPDX 2.3 has primaryPackagePurpose; SPDX 2.2 writers name the roles in SPDXIDs instead
 * (Trivy: `SPDXRef-OperatingSystem-…`, and `SPDXRef-Application-…` for the lockfile or language a group of
 * packages came from, which is not a package itself).
 */
function kindOf(purpose: string | undefined, ref: string | undefined, purl: string | undefined): RawKind {
  if (purpose === 'OPERATING-SYSTEM' || purpose === 'OPERATING_SYSTEM') return 'operating-system';
  if (purl !== undefined) return 'package';
  if (purpose === undefined && ref?.startsWith('SPDXRef-OperatingSystem')) return 'operating-system';
  if (purpose === 'FILE') return 'file';
  if (purpose === 'CONTAINER' || ref?.startsWith('SPDXRef-Application-') || ref?.startsWith('SPDXRef-ContainerImage-')) return 'other';
  return 'package';
}

/**
 * Facts written `name: value`: annotation comments (grout, Trivy) and attribution texts (Trivy before it used
 * annotations). Trivy's names get the prefix its CycloneDX properties have, so one lookup serves both formats.
 */
function factsOf(p: JsonRecord, byTrivy: boolean): Fact[] {
  const texts: Array<{ text: string; trivy: boolean }> = [];
  for (const a of recordsOf(p, 'annotations')) {
    const comment = stringField(a, 'comment');
    if (comment !== undefined) texts.push({ text: comment, trivy: byTrivy || /^Tool:\s*trivy/i.test(stringField(a, 'annotator') ?? '') });
  }
  for (const t of arrayField(p, 'attributionTexts')) if (typeof t === 'string') texts.push({ text: t, trivy: byTrivy });
  const facts: Fact[] = [];
  for (const { text, trivy } of texts) {
    const sep = text.indexOf(': ');
    if (sep <= 0) continue;
    const name = text.slice(0, sep);
    facts.push({ name: trivy && !name.startsWith('grout:') ? `${TRIVY_PREFIX}${name}` : name, value: text.slice(sep + 2) });
  }
  return facts;
}
