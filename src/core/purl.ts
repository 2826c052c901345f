import { packageUrl } from './package-url-module.js';
import type { Distro, ExtractedPackage } from './model.js';

/**
 * The package URL of a package (https://github.com/package-url/purl-spec), following Syft's conventions for OS
 * packages so other tools match them:
 * - deb: `pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl` (full version with
 *   epoch; `upstream` names the source package, with `@version` when that differs);
 * - rpm: `pkg:rpm/rhel/bash@5.1.8-6.el9?arch=x86_64&epoch=1&distro=rhel-9.4&upstream=bash-5.1.8-6.el9.src.rpm`;
 * - apk: `pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4&upstream=musl`.
 */
export function purlFor(pkg: ExtractedPackage, distro: Distro | undefined): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers['arch'] = pkg.arch;
  const distroQualifier = distro ? [distro.id, distro.versionId].filter(Boolean).join('-') : undefined;
  let version = pkg.version;
  switch (pkg.ecosystem) {
    case 'deb':
      if (pkg.source && pkg.source.name !== pkg.name) {
        qualifiers['upstream'] = pkg.source.version && pkg.source.version !== pkg.version ? `${pkg.source.name}@${pkg.source.version}` : pkg.source.name;
      }
      break;
    case 'rpm': {
      const epoch = pkg.metadata?.kind === 'rpm' ? pkg.metadata.epoch : undefined;
      const colon = version.indexOf(':');
      if (colon > 0 && /^\d+$/.test(version.slice(0, colon))) version = version.slice(colon + 1);
      if (epoch !== undefined && epoch !== 0) qualifiers['epoch'] = String(epoch);
      const sourceRpm = pkg.metadata?.kind === 'rpm' ? pkg.metadata.sourceRpm : undefined;
      if (sourceRpm) qualifiers['upstream'] = sourceRpm;
      break;
    }
    case 'apk':
      if (pkg.source && pkg.source.name !== pkg.name) qualifiers['upstream'] = pkg.source.name;
      break;
    default:
      break;
  }
  if (distroQualifier && (pkg.ecosystem === 'deb' || pkg.ecosystem === 'rpm' || pkg.ecosystem === 'apk')) {
    qualifiers['distro'] = distroQualifier;
  }
  if (!isOsEcosystem(pkg.ecosystem)) return languagePurl(pkg, version, qualifiers);
  return new (packageUrl().PackageURL)(pkg.ecosystem, distro?.id, pkg.name, version || undefined, sortKeys(qualifiers), undefined).toString();
}

/**
 * Application packages, per the purl spec's type definitions: npm scopes and Go module paths become the namespace,
 * PyPI names are normalised (PEP 503: lower case, runs of `-_.` to `-`), Maven uses groupId:artifactId, Composer
 * vendor/name.
 */
function languagePurl(pkg: ExtractedPackage, version: string, qualifiers: Record<string, string>): string {
  let namespace: string | undefined;
  let name = pkg.name;
  switch (pkg.ecosystem) {
    case 'npm':
    case 'golang':
    case 'composer': {
      const slash = name.lastIndexOf('/');
      if (slash > 0) {
        namespace = name.slice(0, slash);
        name = name.slice(slash + 1);
      }
      if (pkg.ecosystem === 'composer') {
        namespace = namespace?.toLowerCase();
        name = name.toLowerCase();
      }
      break;
    }
    case 'pypi':
      name = name.toLowerCase().replace(/[-_.]+/g, '-');
      break;
    case 'maven': {
      const meta = pkg.metadata?.kind === 'language' ? pkg.metadata : undefined;
      const colon = name.indexOf(':');
      namespace = meta?.groupId ?? (colon > 0 ? name.slice(0, colon) : undefined);
      name = meta?.artifactId ?? (colon > 0 ? name.slice(colon + 1) : name);
      break;
    }
    default:
      break;
  }
  const type = pkg.ecosystem === 'golang' ? 'golang' : pkg.ecosystem;
  return new (packageUrl().PackageURL)(type, namespace, name, version || undefined, sortKeys(qualifiers), undefined).toString();
}

export function isOsEcosystem(ecosystem: string): boolean {
  return ecosystem === 'deb' || ecosystem === 'rpm' || ecosystem === 'apk';
}

function sortKeys(record: Record<string, string>): Record<string, string> | undefined {
  const keys = Object.keys(record).sort();
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map((k) => [k, record[k]!]));
}
