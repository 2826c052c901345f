/**
 * os/opkg: OpenWrt and Yocto packages from `usr/lib/opkg/status` or `var/lib/opkg/status` (the dpkg paragraph
 * format, with a `License:` field and sha256 conffile hashes) and `info/<pkg>.list` beside it.
 * The model has no opkg ecosystem, so packages are `deb` with `foundBy` telling them apart; the distro (openwrt)
 * scopes matching.
 */
import type { ExtractContext, Extractor } from '../../../extractor.js';
import type { ExtractedPackage } from '../../../../core/model.js';
import { attachOwnedFiles, FileLists, readStatusFile, sortPackages } from './read-database.js';

const roots = ['usr/lib/opkg/', 'var/lib/opkg/'];

function wantsOpkgPath(path: string): boolean {
  for (const root of roots) {
    if (!path.startsWith(root)) continue;
    const rest = path.slice(root.length);
    if (rest === 'status') return true;
    if (rest.startsWith('info/') && rest.endsWith('.list')) return !rest.slice('info/'.length).includes('/');
  }
  return false;
}

function extractOpkg(ctx: ExtractContext): ExtractedPackage[] {
  const files = new FileLists(ctx);
  const packages: ExtractedPackage[] = [];
  for (const root of roots) {
    for (const found of readStatusFile(ctx, `${root}status`, { statusRequired: true, licenseField: true })) {
      const list = `${root}info/${found.pkg.name}.list`;
      attachOwnedFiles(found, files.list(list), undefined);
      packages.push(found.pkg);
    }
  }
  return sortPackages(packages);
}

/** The opkg extractor, listed in `catalog/extractors/index.ts`. */
export const opkgExtractor: Extractor = {
  name: 'os/opkg',
  version: 1,
  maxFileBytes: 64 * 1024 * 1024,
  wants: wantsOpkgPath,
  extract: extractOpkg,
};
