import { createHash } from 'node:crypto';
import type { Distro, ExtractedPackage, Package } from '../core/model.js';
import { purlFor } from '../core/purl.js';

/** What makes two extractions the same package: same coordinates, same evidence file. */
export function identityKey(pkg: ExtractedPackage): string {
  return [pkg.ecosystem, pkg.name, pkg.version, pkg.arch ?? '', pkg.evidence].join('\0');
}

/** A stable id, unique within an inventory, the same for the same package in any scan. */
export function packageId(foundBy: string, pkg: ExtractedPackage): string {
  const hash = createHash('sha256').update(`${foundBy}\0${identityKey(pkg)}`).digest('hex').slice(0, 16);
  return `${pkg.ecosystem}-${hash}`;
}

export function packageFrom(pkg: ExtractedPackage, foundBy: string, layer: number, distro: Distro | undefined): Package {
  const out: Package = {
    id: packageId(foundBy, pkg),
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    purl: purlFor(pkg, distro),
    licenses: [...pkg.licenses],
    foundBy,
    locations: [{ path: pkg.evidence, layer }],
    files: [],
  };
  if (pkg.arch) out.arch = pkg.arch;
  if (pkg.source) out.source = { ...pkg.source };
  if (pkg.metadata) out.metadata = pkg.metadata;
  return out;
}
