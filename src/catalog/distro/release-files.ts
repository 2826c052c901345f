/**
 * Older or distro-specific identity files, used when there is no os-release: `etc/system-release-cpe`,
 * `etc/lsb-release`, `etc/SuSE-release`, `etc/photon-release`, `etc/alpine-release`.
 */
import type { Distro } from '../../core/model.js';
import { parseKeyValues } from './key-values.js';
import { makeDistro, firstLine } from './text.js';

const idPattern = /^[a-z0-9._-]{1,64}$/u;

/** CPE vendor → os-release ID, for vendors whose ID is not their CPE vendor name. */
const idByCpeVendor: Readonly<Record<string, string>> = {
  redhat: 'rhel',
  oracle: 'ol',
  amazon: 'amzn',
  fedoraproject: 'fedora',
  scientificlinux: 'scientific',
};

/**
 * `etc/system-release-cpe` (CentOS 6, RHEL, Amazon Linux): `cpe:/o:centos:linux:6:GA` or
 * `cpe:2.3:o:amazon:amazon_linux:2`. Like syft, the vendor becomes the name and the CPE version the version.
 */
export function distroFromSystemReleaseCpe(text: string, source: string): Distro | undefined {
  const line = firstLine(text);
  const match = /^(cpe:(?:\/o|2\.3:o):([^:\s]{1,64}):[^:\s]{0,64}:(\d[^:\s]{0,63}))(?::\S{0,200})?$/u.exec(line);
  if (match === null) return undefined;
  const vendor = match[2]!;
  const id = idByCpeVendor[vendor.toLowerCase()] ?? vendor.toLowerCase();
  if (!idPattern.test(id)) return undefined;
  const version = match[3]!;
  return makeDistro({
    id,
    versionId: version,
    version,
    name: vendor,
    prettyName: vendor,
    idLike: [id],
    cpeName: line,
    source,
  });
}

/** `etc/lsb-release` (Ubuntu, Mint, …): `DISTRIB_ID`, `DISTRIB_RELEASE`, `DISTRIB_CODENAME`, `DISTRIB_DESCRIPTION`. */
export function distroFromLsbRelease(text: string, source: string): Distro | undefined {
  const values = parseKeyValues(text);
  const get = (key: string): string | undefined => values.get(key)?.trim() || undefined;
  const name = get('DISTRIB_ID');
  const id = name?.toLowerCase();
  if (id === undefined || !idPattern.test(id)) return undefined;
  return makeDistro({
    id,
    versionId: get('DISTRIB_RELEASE'),
    codename: get('DISTRIB_CODENAME'),
    name,
    prettyName: get('DISTRIB_DESCRIPTION'),
    source,
  });
}

/**
 * `etc/SuSE-release` (SLES ≤ 12, openSUSE ≤ 42): a title line, then `VERSION = 12` and `PATCHLEVEL = 3`.
 * The version id is written as os-release writes it: `12.3`, or `12` for the first release.
 */
export function distroFromSuseRelease(text: string, source: string): Distro | undefined {
  const title = firstLine(text);
  const lower = title.toLowerCase();
  const id = lower.startsWith('opensuse tumbleweed')
    ? 'opensuse-tumbleweed'
    : lower.startsWith('opensuse')
      ? 'opensuse'
      : lower.startsWith('suse linux enterprise server')
        ? 'sles'
        : lower.startsWith('suse linux enterprise desktop')
          ? 'sled'
          : undefined;
  if (id === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.split('\n', 64)) {
    const m = /^\s*([A-Z_]{1,32})\s*=\s*(\S{1,64})\s*$/u.exec(line);
    if (m !== null) fields.set(m[1]!, m[2]!);
  }
  const version = fields.get('VERSION');
  if (version === undefined || !/^\d+(\.\d+)*$/u.test(version)) return undefined;
  const patch = fields.get('PATCHLEVEL');
  const versionId = patch !== undefined && /^[1-9]\d{0,3}$/u.test(patch) && !version.includes('.') ? `${version}.${patch}` : version;
  const name = title.replace(/\s*\([^)]*\)\s*$/u, '');
  return makeDistro({ id, versionId, codename: fields.get('CODENAME'), name, prettyName: title, source });
}

/** `etc/photon-release`: `VMware Photon OS 4.0` then `PHOTON_BUILD_NUMBER=…`. */
export function distroFromPhotonRelease(text: string, source: string): Distro | undefined {
  const line = firstLine(text);
  const match = /^(.{0,64}Photon(?: OS| Linux)?)\s+(\d+(?:\.\d+)*)/u.exec(line);
  if (match === null) return undefined;
  return makeDistro({ id: 'photon', versionId: match[2], name: match[1]!.trim(), prettyName: line, source });
}

/** `etc/alpine-release`: the version alone, `3.19.1` (edge: `3.20.0_alpha20240329`). */
export function distroFromAlpineRelease(text: string, source: string): Distro | undefined {
  const line = firstLine(text);
  if (!/^\d+(?:\.\d+)*(?:_[a-z]+\d*)?$/u.test(line) || line.length > 64) return undefined;
  return makeDistro({ id: 'alpine', versionId: line, name: 'Alpine Linux', source });
}
