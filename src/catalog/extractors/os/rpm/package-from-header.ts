import type { ExtractedPackage, RpmMetadata } from '../../../../core/model.js';
import { HeaderFormatError, type RpmHeader } from './header.js';
import { ownedFilesFromHeader } from './owned-files.js';
import { parseSourceRpm } from './source-rpm.js';
import { RpmTag } from './tags.js';

/**
 * One installed package from its header.
 * - `version` is `[epoch:]version-release`; the epoch is written whenever the EPOCH tag exists (also `0:`), as
 *   rpm's own `%{EVR}` does.
 * - `gpg-pubkey` headers are imported signing keys, not software (`rpm -qa` lists them; syft and trivy skip
 *   them): they are skipped without an issue.
 * - `dependsOn` is REQUIRENAME as written, in order, without duplicates, without `rpmlib(...)` (features of rpm
 *   itself, no package provides them) and without requirements the package satisfies itself (its own provides
 *   or files). File paths such as `/bin/sh` are kept: the catalog can resolve them through file ownership.
 */
export type PackageFromHeader =
  | { kind: 'package'; pkg: ExtractedPackage; problems: string[] }
  | { kind: 'skipped' }
  | { kind: 'bad'; reason: string };

export function packageFromHeader(header: RpmHeader, evidence: string, instance: number): PackageFromHeader {
  try {
    return build(header, evidence, instance);
  } catch (error) {
    if (error instanceof HeaderFormatError) return { kind: 'bad', reason: error.message };
    throw error;
  }
}

function build(header: RpmHeader, evidence: string, instance: number): PackageFromHeader {
  const name = header.string(RpmTag.NAME);
  const version = header.string(RpmTag.VERSION);
  const release = header.string(RpmTag.RELEASE);
  if (name === undefined || name === '' || version === undefined || release === undefined) {
    return { kind: 'bad', reason: 'header has no NAME, VERSION or RELEASE' };
  }
  if (name === 'gpg-pubkey') return { kind: 'skipped' };

  const epoch = header.number(RpmTag.EPOCH);
  const metadata: RpmMetadata = { kind: 'rpm', release, dbInstance: instance };
  if (epoch !== undefined) metadata.epoch = epoch;
  const sourceRpm = header.string(RpmTag.SOURCERPM);
  if (sourceRpm !== undefined && sourceRpm !== '') metadata.sourceRpm = sourceRpm;
  const vendor = header.string(RpmTag.VENDOR);
  if (vendor !== undefined && vendor !== '') metadata.vendor = vendor;
  const size = header.number(RpmTag.LONGSIZE) ?? header.number(RpmTag.SIZE);
  if (size !== undefined) metadata.size = size;
  const summary = header.string(RpmTag.SUMMARY);
  if (summary !== undefined && summary !== '') metadata.summary = summary;
  const modularityLabel = header.string(RpmTag.MODULARITYLABEL);
  if (modularityLabel !== undefined && modularityLabel !== '') metadata.modularityLabel = modularityLabel;
  const sigmd5 = header.bytes(RpmTag.SIGMD5);
  if (sigmd5 !== undefined) metadata.sigmd5 = sigmd5.toString('hex');
  const provides = header.strings(RpmTag.PROVIDENAME);
  if (provides !== undefined && provides.length > 0) metadata.provides = unique(provides);

  const pkg: ExtractedPackage = {
    ecosystem: 'rpm',
    name,
    version: `${epoch === undefined ? '' : `${epoch}:`}${version}-${release}`,
    licenses: [],
    evidence,
  };
  const arch = header.string(RpmTag.ARCH);
  if (arch !== undefined && arch !== '') pkg.arch = arch;
  const source = sourceRpm === undefined ? undefined : parseSourceRpm(sourceRpm);
  if (source !== undefined) pkg.source = source;
  const license = header.string(RpmTag.LICENSE);
  if (license !== undefined && license !== '') pkg.licenses = [license];

  const { files, problems } = ownedFilesFromHeader(header);
  if (files.length > 0) pkg.ownedFiles = files;

  const dependsOn = requirements(header, new Set(provides), new Set(files.map((f) => `/${f.path}`)));
  if (dependsOn.length > 0) pkg.dependsOn = dependsOn;
  pkg.metadata = metadata;
  return { kind: 'package', pkg, problems };
}

function requirements(header: RpmHeader, provides: ReadonlySet<string>, files: ReadonlySet<string>): string[] {
  const names = header.strings(RpmTag.REQUIRENAME) ?? [];
  return unique(names.filter((n) => n !== '' && !n.startsWith('rpmlib(') && !provides.has(n) && !files.has(n)));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
