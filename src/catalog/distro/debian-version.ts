/**
 * `etc/debian_version`: `12.5` on a stable release, `trixie/sid` on testing and unstable, and `buster/sid` on the
 * Ubuntu release derived from that Debian (so Ubuntu's `lsb-release` must be read first).
 */
import type { Distro } from '../../core/model.js';
import { firstLine } from './text.js';

const numeric = /^\d+(?:\.\d+)?$/u;

/** The point release (`12.5`) when the file has one, else undefined: syft's rule for supplementing os-release. */
export function debianPointRelease(text: string): string | undefined {
  const line = firstLine(text);
  return numeric.test(line) ? line : undefined;
}

/**
 * Identity from debian_version alone (no os-release). A numeric value is the version id; a codename like
 * `buster/sid` is kept as the human version only, because it names no release a feed can scope advisories to.
 */
export function distroFromDebianVersion(text: string, source: string): Distro | undefined {
  const line = firstLine(text);
  if (line === '' || line.length > 64 || !/^[A-Za-z0-9][A-Za-z0-9.+~/_-]*$/u.test(line)) return undefined;
  const base = { id: 'debian', name: 'Debian GNU/Linux', source };
  return /^\d+(?:\.\d+)*$/u.test(line) ? { ...base, versionId: line, version: line } : { ...base, version: line };
}

/**
 * With os-release's `VERSION_ID=13` and debian_version `13.5`, the point release is the better version id
 * (syft does the same). Only a refinement of the same major is taken: a stale debian_version from another release
 * left in a lower layer must not override os-release.
 */
export function withDebianPointRelease(distro: Distro, debianVersion: string | undefined): Distro {
  if (distro.id !== 'debian' || debianVersion === undefined) return distro;
  const point = debianPointRelease(debianVersion);
  if (point === undefined || point === distro.versionId) return distro;
  if (distro.versionId !== undefined && !point.startsWith(`${distro.versionId}.`)) return distro;
  return { ...distro, versionId: point, version: distro.version ?? point };
}
