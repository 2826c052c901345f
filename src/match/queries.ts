/**
 * What to look up for a package: the advisory ecosystem, name and version (DESIGN: matchers declare queries). OS
 * packages are looked up by their **source** package within the exact release; language packages by their OSV
 * ecosystem. Pure: the same package and distro always give the same queries.
 */
import type { Distro, Package } from '../core/model.js';
import type { SchemeName } from '../version/index.js';
import { releaseEcosystems, type ReleaseOptions } from './distro-release.js';

export interface PackageQuery {
  /** The OSV ecosystem string: `Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `npm`, `Maven`… */
  ecosystem: string;
  /** The name as the feed writes it: the source package for distros, `groupId:artifactId` for Maven. */
  name: string;
  /** The version to compare: the source version for distros, `v`-prefixed for Go. */
  version: string;
  scheme: SchemeName;
}

/** The queries for a package, or none and why (an unknown release, Alpine edge, rpm without a feed…). */
export interface QueryPlan {
  queries: PackageQuery[];
  reason?: string;
}

export type QueryOptions = ReleaseOptions;

const LANGUAGE: Readonly<Record<string, { ecosystem: string; scheme: SchemeName }>> = {
  npm: { ecosystem: 'npm', scheme: 'semver' },
  pypi: { ecosystem: 'PyPI', scheme: 'pep440' },
  golang: { ecosystem: 'Go', scheme: 'go' },
  cargo: { ecosystem: 'crates.io', scheme: 'semver' },
  maven: { ecosystem: 'Maven', scheme: 'maven' },
  gem: { ecosystem: 'RubyGems', scheme: 'gem' },
  composer: { ecosystem: 'Packagist', scheme: 'composer' },
  nuget: { ecosystem: 'NuGet', scheme: 'nuget' },
};

/**
 * @example
 * packageQueries(bashPackage, { id: 'debian', versionId: '12', source: 'etc/os-release' })
 * // { queries: [{ ecosystem: 'Debian:12', name: 'bash', version: '5.2.15-2', scheme: 'deb' }] }
 */
export function packageQueries(pkg: Package, distro: Distro | undefined, options: QueryOptions = {}): QueryPlan {
  if (pkg.version === '') return { queries: [], reason: `${pkg.name} has no version` };
  switch (pkg.ecosystem) {
    case 'deb':
    case 'apk':
    case 'rpm': {
      const release = releaseEcosystems(pkg.ecosystem, distro, options);
      if ('reason' in release) return { queries: [], reason: release.reason };
      const { name, version } = pkg.ecosystem === 'deb' ? debSource(pkg) : apkOrigin(pkg);
      const scheme: SchemeName = pkg.ecosystem === 'deb' ? 'deb' : 'apk';
      return { queries: release.ecosystems.map((ecosystem) => ({ ecosystem, name, version, scheme })) };
    }
    case 'golang':
      return goQuery(pkg);
    case 'maven': {
      const meta = pkg.metadata?.kind === 'language' ? pkg.metadata : undefined;
      const name = meta?.groupId !== undefined && meta.artifactId !== undefined ? `${meta.groupId}:${meta.artifactId}` : pkg.name;
      if (!name.includes(':')) return { queries: [], reason: `Maven package ${name} has no groupId` };
      return { queries: [{ ecosystem: 'Maven', name, version: pkg.version, scheme: 'maven' }] };
    }
    default: {
      const language = LANGUAGE[pkg.ecosystem];
      if (language === undefined) return { queries: [], reason: `no advisory ecosystem for ${pkg.ecosystem} packages` };
      return { queries: [{ ecosystem: language.ecosystem, name: pkg.name, version: pkg.version, scheme: language.scheme }] };
    }
  }
}

/**
 * A dpkg package's source name and version. The source version is the one the distro's advisories name; when dpkg
 * records none, the binary version stands in, less a binNMU suffix (`+b1`: a binary-only rebuild of the same source).
 */
function debSource(pkg: Package): { name: string; version: string } {
  const name = pkg.source?.name || pkg.name;
  const sourceVersion = pkg.source?.version;
  if (sourceVersion !== undefined && sourceVersion !== '' && sourceVersion !== pkg.version) return { name, version: sourceVersion };
  return { name, version: pkg.version.replace(/\+b\d+$/, '') };
}

/** An apk package's origin (its source package: `openssl` for `libssl3`), from the `o:` field. */
function apkOrigin(pkg: Package): { name: string; version: string } {
  const origin = pkg.metadata?.kind === 'apk' ? pkg.metadata.origin : undefined;
  return { name: origin || pkg.source?.name || pkg.name, version: pkg.version };
}

function goQuery(pkg: Package): QueryPlan {
  const meta = pkg.metadata?.kind === 'language' ? pkg.metadata : undefined;
  let version = pkg.version;
  if (pkg.name === 'stdlib') {
    // The toolchain as Go advisories name it: go1.21.3 → v1.21.3.
    const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(version);
    if (m) version = `v${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? 0)}${m[4] ? `-${m[4]}.${Number(m[5])}` : ''}`;
  }
  if (version === '(devel)' || (meta?.mainModule === true && !/^v?\d/.test(version))) {
    return { queries: [], reason: `Go main module ${pkg.name} has no release version (${version})` };
  }
  if (/^\d/.test(version)) version = `v${version}`;
  return { queries: [{ ecosystem: 'Go', name: pkg.name, version, scheme: 'go' }] };
}
