/** One status paragraph → one ExtractedPackage (without its file lists), or a reason it is skipped. */
import type { DpkgMetadata, ExtractedPackage } from '../../../../core/model.js';
import {
  cleanToken,
  installState,
  maxTextLength,
  oneLine,
  parseInstalledSize,
  parseSource,
  relationNames,
  splitRelations,
} from './fields.js';
import { parseConffiles, type Conffile } from './owned-files.js';
import type { Stanza } from './stanza.js';

export interface StanzaOptions {
  /** In-image path of the status file, recorded as the package's evidence. */
  evidence: string;
  /**
   * Whether a paragraph without `Status` is skipped (the main status file, where dpkg always writes one) or counted
   * as installed (distroless `status.d/` files carry no Status).
   */
  statusRequired: boolean;
  /** Read a `License:` field (opkg writes one; dpkg does not). */
  licenseField: boolean;
}

export interface StanzaPackage {
  pkg: ExtractedPackage;
  conffiles: Conffile[];
}

/** Undefined when the paragraph is not an installed package; problems go to `report`. */
export function packageFromStanza(
  stanza: Stanza,
  options: StanzaOptions,
  report: (reason: string) => void,
): StanzaPackage | undefined {
  const field = (name: string): string | undefined => stanza.fields.get(name);
  const at = `line ${stanza.line}`;

  const rawName = field('package');
  const name = cleanToken(rawName);
  if (name === undefined) {
    report(rawName === undefined || rawName === '' ? `${at}: paragraph without Package; skipped` : `${at}: malformed Package; skipped`);
    return undefined;
  }

  const status = field('status');
  if (status === undefined) {
    if (options.statusRequired) {
      report(`${at}: package ${name} has no Status; skipped`);
      return undefined;
    }
  } else {
    const state = installState(status);
    if (state === 'malformed') {
      report(`${at}: package ${name} has a malformed Status; skipped`);
      return undefined;
    }
    if (state === 'not-installed') return undefined;
  }

  const rawVersion = field('version');
  const version = cleanToken(rawVersion);
  if (version === undefined) {
    report(rawVersion === undefined || rawVersion === '' ? `${at}: package ${name} has no Version; skipped` : `${at}: package ${name} has a malformed Version; skipped`);
    return undefined;
  }

  const pkg: ExtractedPackage = {
    ecosystem: 'deb',
    name,
    version,
    source: parseSource(field('source'), name, version),
    licenses: [],
    evidence: options.evidence,
  };

  const rawArch = field('architecture');
  const arch = cleanToken(rawArch);
  if (arch !== undefined) pkg.arch = arch;
  else if (rawArch !== undefined) report(`${at}: package ${name} has a malformed Architecture; left out`);

  const metadata: DpkgMetadata = { kind: 'dpkg' };
  const maintainer = field('maintainer');
  if (maintainer !== undefined && maintainer !== '') {
    if (maintainer.length <= maxTextLength) metadata.maintainer = oneLine(maintainer);
    else report(`${at}: package ${name} has a Maintainer longer than ${maxTextLength} characters; left out`);
  }
  const size = field('installed-size');
  if (size !== undefined && size !== '') {
    const kib = parseInstalledSize(size);
    if (kib !== undefined) metadata.installedSize = kib;
    else report(`${at}: package ${name} has an Installed-Size that is not a size in KiB; left out`);
  }
  const depends = splitRelations(field('depends') ?? '');
  const preDepends = splitRelations(field('pre-depends') ?? '');
  const provides = splitRelations(field('provides') ?? '');
  if (depends.length > 0) metadata.depends = depends;
  if (preDepends.length > 0) metadata.preDepends = preDepends;
  if (provides.length > 0) metadata.provides = provides;
  if (status !== undefined) metadata.status = oneLine(status);
  pkg.metadata = metadata;

  const dependsOn = relationNames([...preDepends, ...depends]);
  if (dependsOn.length > 0) pkg.dependsOn = dependsOn;

  if (options.licenseField) {
    const license = oneLine(field('license') ?? '');
    if (license !== '' && license.length <= maxTextLength) pkg.licenses = [license];
  }

  const conffilesField = field('conffiles');
  const conffiles =
    conffilesField === undefined ? [] : parseConffiles(conffilesField, (reason) => report(`${at}: package ${name}: ${reason}`));
  return { pkg, conffiles };
}
