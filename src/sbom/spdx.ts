import type { Distro, FileRecord, ImageDescription, Inventory, Package } from '../core/model.js';
import { compareText, compareTuples } from './compare.js';
import { documentTimestamp, imageIdentity, uuidFromName } from './document-identity.js';
import { TOOL_NAME, toolVersionOf, type EncodeOptions } from './encode-options.js';
import { imageName, imagePurl, imageVersion } from './image-naming.js';
import { dependencyMap, documentPackages, fileRef, unownedExecutables } from './inventory-view.js';
import { spdxDeclaredLicense, type ExtractedLicense } from './license-choice.js';
import { distroFacts, fileFacts, imageFacts, packageFacts, packageSupplier, type Fact } from './package-facts.js';
import { packageSpdxId } from './spdx-id.js';
import type { SpdxAnnotation, SpdxDocument, SpdxExternalRef, SpdxPackage, SpdxRelationship } from './spdx-types.js';

export const IMAGE_SPDX_ID = 'SPDXRef-DocumentRoot-Image';
export const DISTRO_SPDX_ID = 'SPDXRef-OperatingSystem';

/**
 * Encode an inventory as an SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/).
 *
 * Deterministic: the same inventory gives the same bytes. `documentNamespace` ends in a name-based UUID of the
 * image identity, under spdx.org's namespace for tools without a domain of their own (SPDX 2.3 §6.5);
 * `created` is the image's `created` (see `documentTimestamp`).
 *
 * The document DESCRIBES the image (purpose CONTAINER), which CONTAINS the operating system and every package;
 * packages DEPENDS_ON each other as the inventory says. Nothing is concluded (licenseConcluded, copyrightText and
 * downloadLocation are NOASSERTION; files are not analysed). grout's per-package facts (layer, evidence, source
 * package, metadata) are written as annotations `grout:…: value`, the same names as the CycloneDX properties.
 *
 * @example
 * const json = encodeSpdx(inventory, { toolVersion: '0.1.0' });
 */
export function encodeSpdx(inv: Inventory, opts?: EncodeOptions): string {
  const created = documentTimestamp(inv.image.created);
  const tool = `Tool: ${TOOL_NAME}-${toolVersionOf(opts)}`;
  const annotate = (facts: readonly Fact[]): SpdxAnnotation[] =>
    facts.map((f) => ({ annotationType: 'OTHER', annotator: tool, annotationDate: created, comment: `${f.name}: ${f.value}` }));

  const packages = documentPackages(inv);
  const spdxIds = assignSpdxIds(packages);
  const idOf = (pkg: Package): string => spdxIds.get(pkg.id) ?? packageSpdxId(pkg.id);

  const extracted: ExtractedLicense[] = [];
  const spdxPackages: SpdxPackage[] = [imagePackage(inv.image, annotate)];
  if (inv.distro) spdxPackages.push(distroPackage(inv.distro, annotate));
  for (const pkg of packages) {
    const declared = spdxDeclaredLicense(pkg.licenses);
    extracted.push(...declared.extracted);
    spdxPackages.push(packagePackage(pkg, idOf(pkg), declared.expression, annotate(packageFacts(pkg, inv.image)), inv.image));
  }

  const files = unownedExecutables(inv);
  for (const file of files) spdxPackages.push(filePackage(file, annotate(fileFacts(file, inv.image))));

  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: IMAGE_SPDX_ID },
  ];
  const contained = [...(inv.distro ? [DISTRO_SPDX_ID] : []), ...packages.map(idOf), ...files.map((f) => fileSpdxId(f.path))];
  for (const related of contained.sort(compareText)) {
    relationships.push({ spdxElementId: IMAGE_SPDX_ID, relationshipType: 'CONTAINS', relatedSpdxElement: related });
  }
  const byId = new Map(packages.map((p) => [p.id, idOf(p)]));
  const dependsOn: SpdxRelationship[] = [];
  for (const [from, targets] of dependencyMap(inv, packages)) {
    for (const to of targets) {
      dependsOn.push({
        spdxElementId: byId.get(from) ?? from,
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: byId.get(to) ?? to,
      });
    }
  }
  dependsOn.sort((a, b) => compareTuples([a.spdxElementId, a.relatedSpdxElement], [b.spdxElementId, b.relatedSpdxElement]));
  relationships.push(...dependsOn);

  const infos = uniqueExtracted(extracted);
  const name = imageName(inv.image);
  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://spdx.org/spdxdocs/${TOOL_NAME}/${namespaceSegment(name)}-${uuidFromName(`spdx|${imageIdentity(inv.image)}`)}`,
    creationInfo: { creators: [tool], created },
    packages: spdxPackages,
    ...(infos.length > 0 ? { hasExtractedLicensingInfos: infos } : {}),
    relationships,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** SPDXIDs for packages, unique within the document even if two ids reduce to the same idstring. */
function assignSpdxIds(packages: readonly Package[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>([IMAGE_SPDX_ID, DISTRO_SPDX_ID]);
  for (const pkg of packages) {
    const base = packageSpdxId(pkg.id);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    out.set(pkg.id, id);
  }
  return out;
}

/** A readable, URI-safe piece of the namespace; uniqueness comes from the UUID after it. */
function namespaceSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'image';
}

function uniqueExtracted(extracted: readonly ExtractedLicense[]): ExtractedLicense[] {
  const sorted = [...extracted].sort((a, b) => compareTuples([a.licenseId, a.extractedText], [b.licenseId, b.extractedText]));
  const seen = new Set<string>();
  return sorted.filter((e) => {
    if (seen.has(e.licenseId)) return false;
    seen.add(e.licenseId);
    return true;
  });
}

function imagePackage(image: ImageDescription, annotate: (facts: readonly Fact[]) => SpdxAnnotation[]): SpdxPackage {
  const version = imageVersion(image);
  const purl = imagePurl(image);
  const facts = imageFacts(image);
  return {
    name: imageName(image),
    SPDXID: IMAGE_SPDX_ID,
    ...(version !== undefined ? { versionInfo: version } : {}),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(purl !== undefined ? { externalRefs: [purlRef(purl)] } : {}),
    primaryPackagePurpose: 'CONTAINER',
    ...(facts.length > 0 ? { annotations: annotate(facts) } : {}),
  };
}

function distroPackage(distro: Distro, annotate: (facts: readonly Fact[]) => SpdxAnnotation[]): SpdxPackage {
  return {
    name: distro.id,
    SPDXID: DISTRO_SPDX_ID,
    ...(distro.versionId ? { versionInfo: distro.versionId } : {}),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    sourceInfo: `acquired distribution info from ${distro.source}`,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(distro.prettyName ? { description: distro.prettyName } : {}),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
    annotations: annotate(distroFacts(distro)),
  };
}

function packagePackage(
  pkg: Package,
  spdxId: string,
  licenseDeclared: string,
  annotations: SpdxAnnotation[],
  image: ImageDescription,
): SpdxPackage {
  const sourceInfo = packageSourceInfo(pkg, image);
  return {
    name: pkg.name,
    SPDXID: spdxId,
    ...(pkg.version ? { versionInfo: pkg.version } : {}),
    supplier: spdxSupplier(packageSupplier(pkg)),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(sourceInfo !== undefined ? { sourceInfo } : {}),
    licenseConcluded: 'NOASSERTION',
    licenseDeclared,
    copyrightText: 'NOASSERTION',
    ...(pkg.purl ? { externalRefs: [purlRef(pkg.purl)] } : {}),
    primaryPackagePurpose: 'LIBRARY',
    ...(annotations.length > 0 ? { annotations } : {}),
  };
}

function purlRef(purl: string): SpdxExternalRef {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

/**
 * SPDX agent syntax (§7.5): `Organization: name (email)`. Package databases write `Name <email>`; the e-mail moves
 * into parentheses. Without a vendor or maintainer: NOASSERTION.
 */
function spdxSupplier(who: string | undefined): string {
  if (who === undefined) return 'NOASSERTION';
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(who);
  if (m && m[1] !== undefined && m[2] !== undefined && m[1].length > 0) return `Organization: ${m[1]} (${m[2]})`;
  return `Organization: ${who}`;
}

/** Where the package was found, for people: `acquired package info from var/lib/dpkg/status in layer 0 (sha256:…)`. */
function packageSourceInfo(pkg: Package, image: ImageDescription): string | undefined {
  const parts = [...pkg.locations]
    .sort((a, b) => a.layer - b.layer || compareText(a.path, b.path))
    .map((loc) => {
      const diffId = image.layers.find((l) => l.index === loc.layer)?.diffId;
      return `${loc.path} in layer ${loc.layer}${diffId ? ` (${diffId})` : ''}`;
    });
  if (parts.length === 0) return undefined;
  return `acquired package info from ${parts.join('; ')}, found by ${pkg.foundBy}`;
}

/** SPDXID of an unowned executable: from its path's stable reference. */
function fileSpdxId(path: string): string {
  return `SPDXRef-File-${fileRef(path)}`;
}

/**
 * An executable or library no package owns, as a package of purpose FILE with its SHA-256: SPDX 2.3 file elements
 * require a SHA-1, which grout does not compute, so the package form carries it.
 */
function filePackage(file: FileRecord, annotations: SpdxAnnotation[]): SpdxPackage {
  return {
    name: file.path,
    SPDXID: fileSpdxId(file.path),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(file.sha256 ? { checksums: [{ algorithm: 'SHA256' as const, checksumValue: file.sha256 }] } : {}),
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: 'FILE',
    ...(annotations.length > 0 ? { annotations } : {}),
  };
}

