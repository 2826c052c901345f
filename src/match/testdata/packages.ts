/** Inventory packages and images for matching tests, with purls made the way the catalog makes them. */
import type { Distro, Ecosystem, ExtractedPackage, ImageDescription, Inventory, Package, PackageMetadata, SourcePackage } from '../../core/model.js';
import { purlFor } from '../../core/purl.js';

export interface PackageSpec {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  source?: SourcePackage;
  metadata?: PackageMetadata;
  path?: string;
  layer?: number;
}

export function pkg(spec: PackageSpec, distro?: Distro): Package {
  const extracted: ExtractedPackage = { ecosystem: spec.ecosystem, name: spec.name, version: spec.version, licenses: [], evidence: spec.path ?? 'app/package-lock.json' };
  if (spec.source) extracted.source = spec.source;
  if (spec.metadata) extracted.metadata = spec.metadata;
  const out: Package = {
    id: `${spec.ecosystem}:${spec.name}@${spec.version}`,
    ecosystem: spec.ecosystem,
    name: spec.name,
    version: spec.version,
    purl: purlFor(extracted, distro),
    licenses: [],
    foundBy: 'test@1',
    locations: [{ path: extracted.evidence, layer: spec.layer ?? 1 }],
    files: [],
  };
  if (spec.source) out.source = spec.source;
  if (spec.metadata) out.metadata = spec.metadata;
  return out;
}

export const npm = (name: string, version: string, path = 'app/package-lock.json'): Package => pkg({ ecosystem: 'npm', name, version, path });
export const pypi = (name: string, version: string): Package => pkg({ ecosystem: 'pypi', name, version, path: 'usr/lib/python3/site-packages/x.dist-info/METADATA' });
export const maven = (coordinates: string, version: string): Package => {
  const [groupId, artifactId] = coordinates.split(':') as [string, string];
  return pkg({ ecosystem: 'maven', name: coordinates, version, path: 'app/app.jar', metadata: { kind: 'language', origin: 'installed', groupId, artifactId } });
};

export const IMAGE: ImageDescription = {
  reference: 'docker-archive:test.tar',
  transport: 'docker-archive',
  tags: ['test:latest'],
  manifestDigest: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
  configDigest: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
  layers: [
    { index: 0, diffId: 'sha256:aaaa', createdBy: 'ADD rootfs.tar.xz /' },
    { index: 1, diffId: 'sha256:bbbb', createdBy: 'RUN npm ci' },
  ],
  labels: {},
};

export function inventory(packages: Package[], distro?: Distro): Inventory {
  const inv: Inventory = { image: IMAGE, packages, files: [], relationships: [], issues: [], extractors: [] };
  if (distro) inv.distro = distro;
  return inv;
}

export const DEBIAN_11: Distro = { id: 'debian', versionId: '11', codename: 'bullseye', source: 'etc/os-release' };
export const DEBIAN_12: Distro = { id: 'debian', versionId: '12', codename: 'bookworm', source: 'etc/os-release' };
export const ALPINE_320: Distro = { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20', source: 'etc/os-release' };
export const UBUNTU_2204: Distro = { id: 'ubuntu', versionId: '22.04', codename: 'jammy', source: 'etc/os-release' };
