import type { SourcePackage } from '../../../../core/model.js';

/**
 * The source package named by a binary rpm's SOURCERPM tag: `name-version-release.src.rpm` (or `.nosrc.rpm`)
 * gives `{ name, version: 'version-release' }`. The name may contain dashes; version and release may not
 * (rpm forbids `-` in both), so the last two dashes split the three parts. The epoch is not part of the file
 * name and so is not in the result. Returns undefined for anything not shaped like that (e.g. `(none)`).
 *
 * @example parseSourceRpm('util-linux-2.32.1-42.el8_8.src.rpm') // { name: 'util-linux', version: '2.32.1-42.el8_8' }
 */
export function parseSourceRpm(fileName: string): SourcePackage | undefined {
  const match = /^(.+)\.(?:no)?src\.rpm$/.exec(fileName);
  const stem = match?.[1];
  if (stem === undefined) return undefined;
  const releaseDash = stem.lastIndexOf('-');
  if (releaseDash <= 0) return undefined;
  const versionDash = stem.lastIndexOf('-', releaseDash - 1);
  if (versionDash <= 0) return undefined;
  const name = stem.slice(0, versionDash);
  const version = stem.slice(versionDash + 1, releaseDash);
  const release = stem.slice(releaseDash + 1);
  if (version === '' || release === '') return undefined;
  return { name, version: `${version}-${release}` };
}
