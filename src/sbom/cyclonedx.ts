import type { Distro, FileRecord, ImageDescription, Inventory, Package } from '../core/model.js';
import { compareText } from './compare.js';
import type { CycloneDxBom, CycloneDxComponent, CycloneDxDependency } from './cyclonedx-types.js';
import { documentTimestamp, imageIdentity, uuidFromName } from './document-identity.js';
import { TOOL_NAME, toolVersionOf, type EncodeOptions } from './encode-options.js';
import { imageName, imagePurl, imageVersion } from './image-naming.js';
import { dependencyMap, documentPackages, fileRef, unownedExecutables } from './inventory-view.js';
import { cycloneDxLicenses } from './license-choice.js';
import { distroFacts, fileFacts, imageFacts, packageFacts, packageSupplier } from './package-facts.js';

/** bom-refs of the two components that are not packages; package components use the package id. */
export const IMAGE_BOM_REF = 'grout:image';
export const DISTRO_BOM_REF = 'grout:distro';

/**
 * Encode an inventory as a CycloneDX 1.6 JSON BOM (https://cyclonedx.org/docs/1.6/json/).
 *
 * Deterministic: the same inventory gives the same bytes. The serial number is a name-based UUID of the image
 * identity and the timestamp is the image's `created` (see `documentTimestamp`).
 *
 * Layout, following Syft: `metadata.component` is the image (type `container`); `components` holds the
 * distribution (type `operating-system`) and one `library` per package (bom-ref = package id); `dependencies`
 * lists every component in `components` with its depends-on edges, and, as in Syft, the image component is not in
 * the graph (Trivy instead makes the image depend on the OS and the OS on its packages).
 *
 * @example
 * const json = encodeCycloneDx(inventory, { toolVersion: '0.1.0' });
 */
export function encodeCycloneDx(inv: Inventory, opts?: EncodeOptions): string {
  return `${JSON.stringify(cycloneDxDocument(inv, opts), null, 2)}\n`;
}

/**
 * The CycloneDX 1.6 BOM of an inventory as an object: what `encodeCycloneDx` serialises. For documents that add to
 * the BOM (the vulnerability report adds `vulnerabilities[]` that refer to these bom-refs).
 */
export function cycloneDxDocument(inv: Inventory, opts?: EncodeOptions): CycloneDxBom {
  const packages = documentPackages(inv);
  const deps = dependencyMap(inv, packages);
  const components: CycloneDxComponent[] = [];
  if (inv.distro) components.push(distroComponent(inv.distro));
  for (const pkg of packages) components.push(packageComponent(pkg, inv.image));
  for (const file of unownedExecutables(inv)) components.push(fileComponent(file, inv.image));

  const dependencies: CycloneDxDependency[] = components
    .map((c) => c['bom-ref'])
    .filter((ref): ref is string => ref !== undefined)
    .sort(compareText)
    .map((ref) => ({ ref, dependsOn: deps.get(ref) ?? [] }));

  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidFromName(`cyclonedx|${imageIdentity(inv.image)}`)}`,
    version: 1,
    metadata: {
      timestamp: documentTimestamp(inv.image.created),
      tools: { components: [{ type: 'application', name: TOOL_NAME, version: toolVersionOf(opts) }] },
      component: imageComponent(inv.image),
    },
    components,
    dependencies,
  };
}

function imageComponent(image: ImageDescription): CycloneDxComponent {
  const version = imageVersion(image);
  const purl = imagePurl(image);
  const properties = imageFacts(image);
  return {
    'bom-ref': IMAGE_BOM_REF,
    type: 'container',
    name: imageName(image),
    ...(version !== undefined ? { version } : {}),
    ...(purl !== undefined ? { purl } : {}),
    ...(properties.length > 0 ? { properties } : {}),
  };
}

function distroComponent(distro: Distro): CycloneDxComponent {
  return {
    'bom-ref': DISTRO_BOM_REF,
    type: 'operating-system',
    name: distro.id,
    ...(distro.versionId ? { version: distro.versionId } : {}),
    ...(distro.prettyName ? { description: distro.prettyName } : {}),
    properties: distroFacts(distro),
  };
}

/**
 * One package. OS packages (deb, rpm, apk) and language packages alike are `library`: the inventory does not say
 * which of them are applications, and Syft and Trivy write `library` for all of them too.
 */
function packageComponent(pkg: Package, image: ImageDescription): CycloneDxComponent {
  const publisher = packageSupplier(pkg);
  const licenses = cycloneDxLicenses(pkg.licenses);
  const properties = packageFacts(pkg, image);
  return {
    'bom-ref': pkg.id,
    type: 'library',
    ...(publisher !== undefined ? { publisher } : {}),
    name: pkg.name,
    ...(pkg.version ? { version: pkg.version } : {}),
    ...(licenses !== undefined ? { licenses } : {}),
    // Kept verbatim: the extractor formed it (with distro and arch qualifiers) and matching keys on it.
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    ...(properties.length > 0 ? { properties } : {}),
  };
}

/**
 * An executable or library no package owns — a binary of unknown origin — as a `file` component with its sha256
 * and the layer that brought it.
 */
function fileComponent(file: FileRecord, image: ImageDescription): CycloneDxComponent {
  return {
    'bom-ref': fileRef(file.path),
    type: 'file',
    name: file.path,
    ...(file.sha256 ? { hashes: [{ alg: 'SHA-256' as const, content: file.sha256 }] } : {}),
    properties: fileFacts(file, image),
  };
}

