/**
 * The files a package owns, from dpkg's `info/<pkg>.list` (one absolute path per line, directories included),
 * `info/<pkg>.md5sums` (`<md5>  <path without leading slash>`) and the `Conffiles:` field (` <path> <md5> [flags]`).
 */
import type { FileDigest, OwnedFile } from '../../../../core/model.js';
import { hexDigest } from './fields.js';

/** Longest path kept (Linux PATH_MAX). */
export const maxPathLength = 4_096;
/** Most files kept for one package; the largest real packages own about 100,000. */
export const maxOwnedFiles = 1_000_000;

export interface NormalisedPath {
  /** No leading slash, no `.` or empty segments; `..` applied lexically. Empty for the root itself. */
  path: string;
  /** The raw path had `..` segments (never written by dpkg). */
  dotDot: boolean;
}

/**
 * Normalise a path as written in a package database, purely as text: nothing is resolved on any file system.
 * `..` segments are applied lexically and clamped at the root, so the result never leaves the image tree.
 */
export function normaliseOwnedPath(raw: string): NormalisedPath {
  const parts: string[] = [];
  let dotDot = false;
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      dotDot = true;
      parts.pop();
      continue;
    }
    parts.push(segment);
  }
  return { path: parts.join('/'), dotDot };
}

/** Iterate the lines of a text without building one big array. */
function* lines(text: string): Generator<string> {
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const line = text.slice(pos, end);
    pos = end + 1;
    yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

interface PathCheck {
  path: string | undefined;
}

/** Shared checks for one raw path; counts problems by kind so a hostile file yields one message per kind. */
class PathProblems {
  dotDot = 0;
  tooLong = 0;
  truncated = false;

  check(raw: string): PathCheck {
    if (raw.length > maxPathLength) {
      this.tooLong += 1;
      return { path: undefined };
    }
    const normalised = normaliseOwnedPath(raw);
    if (normalised.dotDot) this.dotDot += 1;
    return { path: normalised.path === '' ? undefined : normalised.path };
  }

  flush(report: (reason: string) => void): void {
    if (this.dotDot > 0) report(`${this.dotDot} paths with ".." segments, normalised lexically`);
    if (this.tooLong > 0) report(`${this.tooLong} paths longer than ${maxPathLength} characters skipped`);
    if (this.truncated) report(`more than ${maxOwnedFiles} paths; the rest are ignored`);
  }
}

/** Paths of a `.list` file, in file order, without the root `/.`; directories are kept (the list cannot tell). */
export function parseListFile(text: string, report: (reason: string) => void): string[] {
  const problems = new PathProblems();
  const paths: string[] = [];
  for (const line of lines(text)) {
    // opkg writes `path<TAB>mode[<TAB>link target]` in newer versions; the path is the first column.
    const tab = line.indexOf('\t');
    const raw = tab === -1 ? line : line.slice(0, tab);
    if (raw.trim() === '') continue;
    const { path } = problems.check(raw);
    if (path === undefined) continue;
    if (paths.length >= maxOwnedFiles) {
      problems.truncated = true;
      break;
    }
    paths.push(path);
  }
  problems.flush(report);
  return paths;
}

/** `<md5>  <path>` lines of an `.md5sums` file, path → digest. */
export function parseMd5sums(text: string, report: (reason: string) => void): Map<string, FileDigest> {
  const problems = new PathProblems();
  const digests = new Map<string, FileDigest>();
  let bad = 0;
  let firstBad = 0;
  let lineNo = 0;
  for (const line of lines(text)) {
    lineNo += 1;
    if (line.trim() === '') continue;
    const match = /^([0-9a-fA-F]{32}) [ *]?(.+)$/u.exec(line);
    const digest = match === null ? undefined : hexDigest(match[1] ?? '');
    if (match === null || digest === undefined) {
      bad += 1;
      if (firstBad === 0) firstBad = lineNo;
      continue;
    }
    const { path } = problems.check(match[2] ?? '');
    if (path === undefined) continue;
    if (digests.size >= maxOwnedFiles) {
      problems.truncated = true;
      break;
    }
    digests.set(path, digest);
  }
  if (bad > 0) report(`${bad} lines are not "<md5>  <path>" (first at line ${firstBad})`);
  problems.flush(report);
  return digests;
}

export interface Conffile {
  path: string;
  /** Absent for `newconffile` (not yet configured) or a malformed hash. */
  digest?: FileDigest;
  /** `obsolete` or `remove-on-upgrade`: dpkg still tracks the file, but the installed version no longer ships it. */
  shipped: boolean;
}

/** The `Conffiles:` field: one ` <path> <hash> [obsolete] [remove-on-upgrade]` per line. */
export function parseConffiles(value: string, report: (reason: string) => void): Conffile[] {
  const problems = new PathProblems();
  const conffiles: Conffile[] = [];
  let bad = 0;
  for (const line of lines(value)) {
    const words = line.trim().split(/\s+/u);
    if (words.length === 1 && words[0] === '') continue;
    let shipped = true;
    while (words.length > 2 && (words.at(-1) === 'obsolete' || words.at(-1) === 'remove-on-upgrade')) {
      words.pop();
      shipped = false;
    }
    if (words.length < 2) {
      bad += 1;
      continue;
    }
    const hash = words.pop() ?? '';
    // Paths with spaces: everything before the hash is the path.
    const { path } = problems.check(words.join(' '));
    if (path === undefined) continue;
    if (conffiles.length >= maxOwnedFiles) {
      problems.truncated = true;
      break;
    }
    const digest = hexDigest(hash);
    conffiles.push(digest === undefined ? { path, shipped } : { path, digest, shipped });
  }
  if (bad > 0) report(`Conffiles: ${bad} lines are not "<path> <hash>"`);
  problems.flush(report);
  return conffiles;
}

/**
 * One sorted list of owned files: the `.list` paths, plus md5sums and conffile paths the list lacks (distroless
 * images have no `.list`). Conffiles get `config: true` and their digest from the Conffiles field; conffiles the
 * installed version no longer ships are left out, as `dpkg -L` does.
 */
export function mergeOwnedFiles(
  listed: readonly string[],
  digests: ReadonlyMap<string, FileDigest>,
  conffiles: readonly Conffile[],
): OwnedFile[] {
  const files = new Map<string, OwnedFile>();
  for (const path of listed) files.set(path, { path });
  for (const [path, digest] of digests) files.set(path, { path, digest });
  for (const conffile of conffiles) {
    if (!conffile.shipped) continue;
    const digest = conffile.digest ?? files.get(conffile.path)?.digest;
    files.set(conffile.path, digest === undefined ? { path: conffile.path, config: true } : { path: conffile.path, digest, config: true });
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
