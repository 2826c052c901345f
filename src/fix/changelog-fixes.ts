/**
 * The CVE ids the new uploads' own changelogs name (`usr/share/doc/<pkg>/changelog.Debian.gz` inside each .deb),
 * between the installed and the candidate version: what the archive says it fixed, advisory or not.
 */
import { rm } from 'node:fs/promises';
import { changelogCvesFromDeb } from './apt/changelog-cves.js';
import type { PlannedPackage } from './apt/resolve.js';

export interface ChangelogFixes {
  package: string;
  /** The source package the changelog belongs to. */
  source?: string;
  from: string;
  to: string;
  /** CVE ids the changelog entries between the installed and the new version name. */
  cves: string[];
  /** False when the changelog was trimmed before reaching the installed version (more may have been fixed). */
  complete?: boolean;
}

/** Read the changelog of one downloaded upgrade; undefined when the package ships none of its own or it is unreadable. */
export async function changelogFixesOf(deb: string, p: PlannedPackage): Promise<ChangelogFixes | undefined> {
  if (p.from === undefined) return undefined;
  const found = await changelogCvesFromDeb(deb, p.name, p.from, p.to).catch(() => undefined);
  if (found === undefined) return undefined;
  return { package: p.name, source: p.source, from: p.from, to: p.to, cves: found.cves.map((c) => c.id), complete: found.complete };
}

/** Binaries tried per source package before giving up (a doc directory may be a symlink to a sibling's). */
const MAX_TRIES_PER_SOURCE = 3;

/**
 * For a plan that downloads nothing else (`--dry-run`): one changelog per upgraded source package, read from the
 * smallest of its binaries (binaries of one source share its changelog), each .deb removed after reading.
 * Sorted by source name.
 */
export async function changelogFixesPerSource(upgrades: readonly PlannedPackage[], download: (p: PlannedPackage) => Promise<string>): Promise<ChangelogFixes[]> {
  const bySource = new Map<string, PlannedPackage[]>();
  for (const p of upgrades) {
    if (p.from === undefined) continue;
    bySource.set(p.source, [...(bySource.get(p.source) ?? []), p]);
  }
  const out: ChangelogFixes[] = [];
  for (const source of [...bySource.keys()].sort()) {
    const candidates = (bySource.get(source) ?? []).sort((a, b) => a.size - b.size || (a.name < b.name ? -1 : 1)).slice(0, MAX_TRIES_PER_SOURCE);
    for (const p of candidates) {
      const deb = await download(p);
      try {
        const found = await changelogFixesOf(deb, p);
        if (found !== undefined) {
          out.push(found);
          break;
        }
      } finally {
        await rm(deb, { force: true });
      }
    }
  }
  return out;
}
