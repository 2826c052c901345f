import type { Ecosystem, SourcePackage } from '../../core/model.js';
import type { ParsedPurl } from './purl-parse.js';
import { factValue, type RawComponent } from './raw-document.js';

const TRIVY = 'aquasecurity:trivy:';

/**
 * The source package of a deb, rpm or apk, from the first of: grout's own facts (exact; their absence means the
 * package is its own source), Trivy's `SrcName`/`SrcVersion`/`SrcRelease`/`SrcEpoch`, the purl `upstream`
 * qualifier (Syft and grout: deb/apk `name` or `name@version`, rpm the source rpm file name), SPDX `sourceInfo`
 * as Trivy writes it (`built package from: name version`). Without any of them a deb or apk is its own source, as
 * dpkg and apk say (`${source:Package}` defaults to the package).
 */
export function sourcePackageOf(c: RawComponent, purl: ParsedPurl, name: string, version: string, groutOwn: boolean): SourcePackage | undefined {
  const eco = purl.ecosystem;
  if (eco !== 'deb' && eco !== 'rpm' && eco !== 'apk') return undefined;
  if (groutOwn) {
    const sourceName = factValue(c.facts, 'grout:source:name');
    if (sourceName === undefined) return undefined;
    const sourceVersion = factValue(c.facts, 'grout:source:version');
    return sourceVersion === undefined ? { name: sourceName } : { name: sourceName, version: sourceVersion };
  }
  return fromTrivy(c, eco) ?? fromUpstream(purl, eco, version) ?? fromSourceInfo(c.sourceInfo) ?? (eco === 'rpm' ? undefined : { name, version });
}

function fromTrivy(c: RawComponent, eco: Ecosystem): SourcePackage | undefined {
  const name = factValue(c.facts, `${TRIVY}SrcName`);
  if (name === undefined) return undefined;
  const version = factValue(c.facts, `${TRIVY}SrcVersion`);
  if (version === undefined) return { name };
  const release = factValue(c.facts, `${TRIVY}SrcRelease`);
  const epoch = factValue(c.facts, `${TRIVY}SrcEpoch`);
  // rpm source versions come from the source rpm's file name, which has no epoch (as grout's rpm extractor).
  const withEpoch = eco !== 'rpm' && epoch !== undefined && epoch !== '0' ? `${epoch}:${version}` : version;
  return { name, version: release ? `${withEpoch}-${release}` : withEpoch };
}

function fromUpstream(purl: ParsedPurl, eco: Ecosystem, version: string): SourcePackage | undefined {
  const upstream = purl.qualifiers['upstream'];
  if (upstream === undefined) return undefined;
  if (eco === 'rpm') return parseSourceRpm(upstream);
  const at = upstream.indexOf('@');
  if (at === 0) return undefined;
  if (at > 0) return { name: upstream.slice(0, at), version: upstream.slice(at + 1) || version };
  return { name: upstream, version };
}

/** `name-version-release.src.rpm` → `{ name, version: 'version-release' }` (the last two dashes split it). */
export function parseSourceRpm(fileName: string): SourcePackage | undefined {
  const stem = /^(.+)\.(?:no)?src\.rpm$/.exec(fileName)?.[1];
  if (stem === undefined) return undefined;
  const releaseDash = stem.lastIndexOf('-');
  const versionDash = releaseDash > 0 ? stem.lastIndexOf('-', releaseDash - 1) : -1;
  if (versionDash <= 0 || releaseDash === stem.length - 1 || versionDash + 1 === releaseDash) return undefined;
  return { name: stem.slice(0, versionDash), version: stem.slice(versionDash + 1) };
}

function fromSourceInfo(sourceInfo: string | undefined): SourcePackage | undefined {
  const m = /^built package from:\s*(\S+)(?:\s+(\S+))?\s*$/.exec(sourceInfo ?? '');
  if (!m?.[1]) return undefined;
  return m[2] ? { name: m[1], version: m[2] } : { name: m[1] };
}
