/**
 * Fix availability as a fact: the CVE ids a package's own Debian changelog mentions in the uploads between the
 * installed version (exclusive) and the candidate (inclusive). The changelog format is deb-changelog(5): a stanza
 * per upload, `source (version) distributions; urgency=…`, indented change lines, a ` -- maintainer  date` trailer.
 */
import { gunzipSync } from 'node:zlib';
import { GroutError } from '../../core/errors.js';
import { debScheme } from '../../version/index.js';
import { readDebMember } from '../deb/index.js';

export interface ChangelogCve {
  id: string;
  /** The upload versions whose stanzas mention it, highest first. */
  versions: string[];
}

export interface ChangelogCves {
  /** Sorted by id. */
  cves: ChangelogCve[];
  /**
   * False when the changelog stops (trimmed: "Older entries have been removed") before reaching an upload at or
   * below the installed version: uploads between may have fixed more than listed.
   */
  complete: boolean;
  /** Versions of the stanzas in the range, as they appear. */
  uploads: string[];
}

const MAX_CHANGELOG_BYTES = 32 * 1024 * 1024;
const MAX_STANZAS = 100_000;
const HEADER = /^([a-z0-9][a-z0-9+.-]*) \(([^()\s]+)\)(?:\s+[^;]*)?;/i;
const CVE = /\bCVE-(\d{4})-(\d{4,7})\b/gi;

/**
 * CVE ids mentioned in the changelog stanzas from the candidate's (or the first at or below it) down to, not
 * including, the first stanza at or below the installed version.
 * @example changelogCves(text, '7.88.1-10+deb12u12', '7.88.1-10+deb12u15').cves.map((c) => c.id)
 */
export function changelogCves(text: string, installed: string, candidate: string): ChangelogCves {
  if (!debScheme.isValid(installed) || !debScheme.isValid(candidate)) {
    throw new GroutError('E_USAGE', `changelog range ${JSON.stringify(installed)}..${JSON.stringify(candidate)} is not a pair of Debian versions`);
  }
  const found = new Map<string, string[]>();
  const uploads: string[] = [];
  let started = false;
  let inRange = false;
  let complete = false;
  let stanzas = 0;
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header !== null && header[2] !== undefined) {
      if (++stanzas > MAX_STANZAS) break;
      const version = header[2];
      // Changelog order, as apt-listchanges reads it: from the candidate's stanza down to the first upload at or
      // below the installed version. (A `~deb12u1` rebuild sorts below the unstable upload it rebuilt, so a
      // version-range filter would miss the fixes listed under that upload.)
      if (!started) started = (debScheme.compare(version, candidate) ?? 1) <= 0;
      if (!started) continue;
      if ((debScheme.compare(version, installed) ?? 1) <= 0) {
        complete = true;
        break;
      }
      inRange = true;
      uploads.push(version);
      continue;
    }
    // Old-format tails ("Local variables:", "Old Changelog:") are not stanzas of this package's uploads.
    if (/^(Old Changelog:|Local variables:)/i.test(line)) break;
    if (inRange && (line.startsWith(' ') || line.startsWith('\t'))) collect(line, uploads[uploads.length - 1] ?? '', found);
  }
  const cves = [...found.entries()]
    .map(([id, versions]) => ({ id, versions: [...new Set(versions)].sort((a, b) => debScheme.compare(b, a) ?? 0) }))
    .sort((a, b) => compareCveIds(a.id, b.id));
  return { cves, complete, uploads };
}

function collect(line: string, version: string, found: Map<string, string[]>): void {
  for (const m of line.matchAll(CVE)) {
    const id = `CVE-${m[1]}-${m[2]}`;
    const list = found.get(id);
    if (list === undefined) found.set(id, [version]);
    else list.push(version);
  }
}

function compareCveIds(a: string, b: string): number {
  const [, ay = '', an = ''] = a.split('-');
  const [, by = '', bn = ''] = b.split('-');
  return Number(ay) - Number(by) || Number(an) - Number(bn);
}

/** The text of a `changelog(.Debian).gz`, bounded. */
export function gunzipChangelog(bytes: Buffer, where: string): string {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_CHANGELOG_BYTES }).toString('utf8');
  } catch (cause) {
    throw new GroutError('E_INPUT_FORMAT', `${where}: not a readable gzip changelog (or larger than ${MAX_CHANGELOG_BYTES} bytes): ${(cause as Error).message}`, { cause, file: where });
  }
}

/**
 * The CVE ids the candidate .deb's own changelog lists for the uploads after `installed`; undefined when the
 * package ships no changelog of its own (its doc directory is a symlink to a sibling's, for instance).
 * Native packages ship `changelog.gz`, the others `changelog.Debian.gz`.
 */
export async function changelogCvesFromDeb(debFile: string, packageName: string, installed: string, candidate: string): Promise<ChangelogCves | undefined> {
  for (const name of ['changelog.Debian.gz', 'changelog.gz']) {
    const path = `usr/share/doc/${packageName}/${name}`;
    const bytes = await readDebMember(debFile, path, MAX_CHANGELOG_BYTES);
    if (bytes !== undefined) return changelogCves(gunzipChangelog(bytes, `${debFile}:${path}`), installed, candidate);
  }
  return undefined;
}
