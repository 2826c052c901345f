/** Turn one finished stanza into a package, or into the reason it is not one. */
import type { ApkMetadata, ExtractedPackage } from '../../../../core/model.js';
import { maxLineBytes } from './lines.js';
import type { Stanza } from './stanza.js';

/** apk names and versions are short tokens; anything with whitespace or control characters is not one. */
const tokenPattern = /^[^\s\p{Cc}]{1,256}$/u;
/** Most entries kept from one D: or p: line. */
export const maxListEntries = 10_000;

export type StanzaResult = { pkg: ExtractedPackage; problems: string[] } | { pkg: undefined; problems: string[] };

function words(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(/\s+/u).filter((w) => w !== '').slice(0, maxListEntries);
}

function clip(text: string): string {
  const printable = text.replace(/\p{Cc}/gu, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

export function packageFromStanza(stanza: Stanza, evidence: string): StanzaResult {
  const f = stanza.fields;
  const at = `stanza at line ${stanza.startLine}`;
  const problems: string[] = [];
  const name = f.get('P');
  const version = f.get('V');

  const lineProblems: string[] = [];
  if (stanza.badLines > 0) {
    lineProblems.push(
      `${stanza.badLines} line(s) are not "X:value" fields (first at line ${stanza.firstBadLine}: "${clip(stanza.firstBadText)}")`,
    );
  }
  if (stanza.overlongLines > 0) lineProblems.push(`${stanza.overlongLines} line(s) longer than ${maxLineBytes} bytes skipped`);
  if (name === undefined || name === '') {
    problems.push([`${at}: not a package record, no package name (P:)`, ...lineProblems].join('; '));
    return { pkg: undefined, problems };
  }
  for (const problem of lineProblems) problems.push(`${at}: package ${clip(name)}: ${problem}`);
  if (!tokenPattern.test(name)) {
    problems.push(`${at}: package name "${clip(name)}" has whitespace or control characters; skipped`);
    return { pkg: undefined, problems };
  }
  if (stanza.repeatedIdentity) {
    problems.push(`${at}: P: or V: given twice (two records without a blank line between them?); ${name} skipped`);
    return { pkg: undefined, problems };
  }
  if (version === undefined || !tokenPattern.test(version)) {
    problems.push(`${at}: package ${name} has ${version === undefined || version === '' ? 'no version (V:)' : `an invalid version "${clip(version)}"`}; skipped`);
    return { pkg: undefined, problems };
  }

  const number = (key: string, label: string): number | undefined => {
    const raw = f.get(key);
    if (raw === undefined || raw === '') return undefined;
    if (/^\d{1,15}$/u.test(raw)) return Number(raw);
    problems.push(`${at}: package ${name}: ${label} (${key}:) "${clip(raw)}" is not a number; left out`);
    return undefined;
  };
  const text = (key: string): string | undefined => {
    const raw = f.get(key)?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };

  const origin = text('o');
  const depends = words(f.get('D'));
  const provides = words(f.get('p'));
  const metadata: ApkMetadata = { kind: 'apk' };
  const optional: [keyof ApkMetadata, unknown][] = [
    ['origin', origin],
    ['maintainer', text('m')],
    ['size', number('S', 'size')],
    ['installedSize', number('I', 'installed size')],
    ['depends', depends.length > 0 ? depends : undefined],
    ['provides', provides.length > 0 ? provides : undefined],
    ['commit', text('c')],
    ['checksum', text('C')],
    ['buildTime', number('t', 'build time')],
    ['url', text('U')],
    ['description', text('T')],
  ];
  for (const [key, value] of optional) if (value !== undefined) Object.assign(metadata, { [key]: value });

  const pkg: ExtractedPackage = { ecosystem: 'apk', name, version, licenses: [], evidence };
  const arch = text('A');
  if (arch !== undefined) pkg.arch = arch;
  if (origin !== undefined) pkg.source = { name: origin, version };
  // L: is one expression as the APKBUILD wrote it ("MIT AND BSD-2-Clause", or older "MIT BSD GPL2+"): kept whole.
  const license = text('L');
  if (license !== undefined) pkg.licenses = [license];
  if (stanza.files.size > 0) pkg.ownedFiles = [...stanza.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // `!name` is a conflict, not a dependency.
  const dependsOn = depends.filter((d) => !d.startsWith('!'));
  if (dependsOn.length > 0) pkg.dependsOn = dependsOn;
  pkg.metadata = metadata;

  for (const [kind, count] of stanza.fileProblems) problems.push(`${at}: package ${name}: ${count} ${kind}`);
  return { pkg, problems };
}
