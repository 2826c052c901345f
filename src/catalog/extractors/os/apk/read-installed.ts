/** Parse a whole `installed` database, stanza by stanza; problems are reported and the rest goes on. */
import type { ExtractedPackage } from '../../../../core/model.js';
import { bufferLines } from './lines.js';
import { packageFromStanza } from './package-from-stanza.js';
import { Stanza } from './stanza.js';

/** Most packages kept from one database; a real system has a few thousand. */
export const maxPackages = 100_000;

/** Deterministic order: name, then version, then arch (plain code-unit order, not version order). */
export function comparePackages(a: ExtractedPackage, b: ExtractedPackage): number {
  const keys: [string, string][] = [
    [a.name, b.name],
    [a.version, b.version],
    [a.arch ?? '', b.arch ?? ''],
  ];
  for (const [x, y] of keys) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

export function parseInstalledDb(bytes: Buffer, evidence: string, report: (reason: string) => void): ExtractedPackage[] {
  const packages: ExtractedPackage[] = [];
  const seen = new Set<string>();
  let truncated = false;
  let stanza: Stanza | undefined;

  const finish = (): void => {
    if (stanza === undefined) return;
    const { pkg, problems } = packageFromStanza(stanza, evidence);
    stanza = undefined;
    for (const problem of problems) report(problem);
    if (pkg === undefined) return;
    const key = `${pkg.name}\0${pkg.version}\0${pkg.arch ?? ''}`;
    if (seen.has(key)) {
      report(`package ${pkg.name} ${pkg.version} is listed more than once; the first record is kept`);
      return;
    }
    if (packages.length >= maxPackages) {
      truncated = true;
      return;
    }
    seen.add(key);
    packages.push(pkg);
  };

  for (const line of bufferLines(bytes)) {
    if (line.text !== undefined && line.text.trim() === '') {
      finish();
      continue;
    }
    stanza ??= new Stanza(line.number);
    stanza.add(line.number, line.text);
  }
  finish();
  if (truncated) report(`more than ${maxPackages} packages; the rest are ignored`);
  return packages.sort(comparePackages);
}
