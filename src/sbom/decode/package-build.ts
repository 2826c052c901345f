import type { Ecosystem, PackageLocation, PackageMetadata, Package } from '../../core/model.js';
import { groutLocations, layerIndex, type LayerTable } from './layer-facts.js';
import { clip, parsePurl, type ParsedPurl } from './purl-parse.js';
import { factValue, factValues, type RawComponent } from './raw-document.js';
import { sourcePackageOf } from './source-package.js';

/** A package as decoded, before it gets its id (ids are assigned once duplicates are merged). */
export type DecodedPackage = Omit<Package, 'id'>;

export type PackageResult = { ok: true; pkg: DecodedPackage } | { ok: false; reason: string };

/**
 * One component → one package, or the reason it is skipped. The purl decides the ecosystem, the name and the
 * version; the facts beside it (grout's own, Trivy's, Syft's) add source package, layer and metadata.
 */
export function decodePackage(c: RawComponent, stage: string, layers: LayerTable): PackageResult {
  if (c.purl === undefined) return { ok: false, reason: `${describe(c)} has no purl; skipped` };
  const parsed = parsePurl(c.purl.trim());
  if (!parsed.ok) return { ok: false, reason: `${describe(c)}: ${parsed.reason}; skipped` };
  const purl = parsed.purl;
  const groutOwn = factValue(c.facts, 'grout:package:foundBy') !== undefined;
  const name = packageName(purl, c.name);
  const version = packageVersion(purl, c.version);
  const arch = purl.qualifiers['arch'] ?? factValue(c.facts, 'grout:package:arch');
  const source = sourcePackageOf(c, purl, name, version, groutOwn);
  const pkg: DecodedPackage = {
    ecosystem: purl.ecosystem,
    name,
    version,
    purl: c.purl.trim(),
    licenses: [...c.licenses],
    foundBy: factValue(c.facts, 'grout:package:foundBy') ?? stage,
    locations: locationsOf(c, layers),
    files: [],
  };
  if (arch !== undefined) pkg.arch = arch;
  if (source !== undefined) pkg.source = source;
  const metadata = metadataOf(c, purl, version, source?.name);
  if (metadata !== undefined) pkg.metadata = metadata;
  return { ok: true, pkg };
}

function describe(c: RawComponent): string {
  const what = c.name !== undefined ? `"${clip(c.name)}"` : 'a component without a name';
  return c.ref !== undefined && c.ref !== c.name ? `${what} (${clip(c.ref)})` : what;
}

/**
 * The name as grout's extractors write it (purl.ts builds the purl from it): npm `@scope/name`, Go module path,
 * Composer `vendor/name`, Maven `groupId:artifactId`. PyPI purls carry the normalised name (PEP 503), NuGet and
 * Composer names compare without case: the component's own spelling is kept when it is the same name.
 */
function packageName(purl: ParsedPurl, componentName: string | undefined): string {
  const ns = purl.namespace;
  let name: string;
  switch (purl.ecosystem) {
    case 'npm':
    case 'golang':
    case 'composer':
      name = ns !== undefined ? `${ns}/${purl.name}` : purl.name;
      break;
    case 'maven':
      name = ns !== undefined ? `${ns}:${purl.name}` : purl.name;
      break;
    default:
      name = purl.name;
  }
  if (componentName !== undefined && componentName !== name && sameName(purl.ecosystem, componentName, name)) return componentName;
  return name;
}

function sameName(eco: Ecosystem, a: string, b: string): boolean {
  switch (eco) {
    case 'pypi': {
      const norm = (s: string): string => s.toLowerCase().replace(/[-_.]+/g, '-');
      return norm(a) === norm(b);
    }
    case 'nuget':
    case 'composer':
      return a.toLowerCase() === b.toLowerCase();
    default:
      return false;
  }
}

/**
 * The full version as the ecosystem writes it. deb and rpm versions carry their epoch (`1:5.44-3`); purls may hold
 * it in an `epoch` qualifier instead (rpm always, Trivy's deb purls too).
 */
function packageVersion(purl: ParsedPurl, componentVersion: string | undefined): string {
  const version = purl.version ?? componentVersion ?? '';
  if (purl.ecosystem !== 'deb' && purl.ecosystem !== 'rpm') return version;
  const epoch = purl.qualifiers['epoch'];
  if (version === '' || epoch === undefined || epoch === '0' || !/^\d{1,9}$/.test(epoch) || /^\d+:/.test(version)) return version;
  return `${epoch}:${version}`;
}

/** grout's evidence/layer groups; else Trivy's LayerDiffID, Syft's `syft:location:N:*`, mapped through known layers. */
function locationsOf(c: RawComponent, layers: LayerTable): PackageLocation[] {
  const grout = groutLocations(c.facts);
  if (grout.length > 0) return grout;
  const out: PackageLocation[] = [];
  const trivyLayer = factValue(c.facts, 'aquasecurity:trivy:LayerDiffID');
  const trivyIndex = trivyLayer !== undefined ? layers.indexOf(trivyLayer) : undefined;
  if (trivyIndex !== undefined) out.push({ path: stripSlash(factValue(c.facts, 'aquasecurity:trivy:FilePath') ?? ''), layer: trivyIndex });
  for (let i = 0; i < 64; i++) {
    const path = factValue(c.facts, `syft:location:${i}:path`);
    if (path === undefined) break;
    const layerId = factValue(c.facts, `syft:location:${i}:layerID`);
    const index = layerId !== undefined ? layers.indexOf(layerId) : undefined;
    if (index !== undefined) out.push({ path: stripSlash(path), layer: index });
  }
  return out;
}

function stripSlash(path: string): string {
  return path.replace(/^\/+/, '');
}

function metadataOf(c: RawComponent, purl: ParsedPurl, version: string, sourceName: string | undefined): PackageMetadata | undefined {
  const fact = (name: string): string | undefined => factValue(c.facts, name);
  const set = <T extends object>(target: T, key: keyof T, value: T[keyof T] | undefined): void => {
    if (value !== undefined) target[key] = value;
  };
  switch (purl.ecosystem) {
    case 'deb': {
      const meta: PackageMetadata = { kind: 'dpkg' };
      set(meta, 'maintainer', fact('grout:dpkg:maintainer') ?? c.supplier);
      return meta;
    }
    case 'apk': {
      const meta: PackageMetadata = { kind: 'apk' };
      set(meta, 'origin', fact('grout:apk:origin') ?? sourceName);
      set(meta, 'maintainer', fact('grout:apk:maintainer') ?? c.supplier);
      set(meta, 'commit', fact('grout:apk:commit'));
      return meta;
    }
    case 'rpm': {
      const epochText = fact('grout:rpm:epoch') ?? purl.qualifiers['epoch'];
      const epoch = epochText !== undefined && /^\d{1,9}$/.test(epochText) ? Number(epochText) : undefined;
      const plain = version.replace(/^\d+:/, '');
      const dash = plain.lastIndexOf('-');
      const upstream = purl.qualifiers['upstream'];
      const meta: PackageMetadata = { kind: 'rpm', release: fact('grout:rpm:release') ?? (dash > 0 ? plain.slice(dash + 1) : '') };
      set(meta, 'epoch', epoch);
      set(meta, 'sourceRpm', fact('grout:rpm:sourceRpm') ?? (upstream?.endsWith('.rpm') ? upstream : undefined));
      set(meta, 'vendor', fact('grout:rpm:vendor') ?? c.supplier);
      set(meta, 'modularityLabel', fact('grout:rpm:modularityLabel'));
      return meta;
    }
    default: {
      const meta: PackageMetadata = { kind: 'language', origin: fact('grout:package:origin') === 'declared' ? 'declared' : 'installed' };
      const dev = fact('grout:package:dev');
      if (dev === 'true' || dev === 'false') meta.dev = dev === 'true';
      set(meta, 'archivePath', fact('grout:package:archivePath'));
      set(meta, 'goToolchain', fact('grout:go:toolchain'));
      if (purl.ecosystem === 'maven' && purl.namespace !== undefined) {
        meta.groupId = purl.namespace;
        meta.artifactId = purl.name;
      }
      return meta;
    }
  }
}

/** Layer indexes named by grout's facts on a component (for files, which have no evidence path). */
export function factLayerIndex(c: RawComponent): number | undefined {
  const values = factValues(c.facts, 'grout:layer:index');
  return values.length > 0 ? layerIndex(values[0]!) : undefined;
}
