/**
 * One record of `lib/apk/db/installed`: `X:value` lines up to a blank line. The keys are single letters
 * (apk-tools `apk_db_index_read`, and https://wiki.alpinelinux.org/wiki/Apk_spec):
 *   C checksum · P name · V version · A arch · S size · I installed size · T description · U url · L license ·
 *   o origin · m maintainer · t build time · c commit · D depends · p provides · i install_if · r replaces ·
 *   k provider priority · F directory · M directory acl · R file in the last F: · a file acl (uid:gid:mode) ·
 *   Z file checksum.
 * Lines are added one by one, so a stanza never needs the whole file.
 */
import type { OwnedFile } from '../../../../core/model.js';
import { normaliseImagePath } from '../../../../core/paths.js';
import { apkDigest } from './checksum.js';

/** Most files kept for one package; the largest real packages own about 100,000. */
export const maxOwnedFiles = 1_000_000;
/** Longest path kept (Linux PATH_MAX). */
export const maxPathLength = 4_096;

/** Anything that needs the slow path: empty, `.`/`..` segments, doubled, leading or trailing slashes, NUL. */
const unusualPath = /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$|\u0000/u;

/** Keys whose value is one string; a repeat overwrites (apk-tools does the same), except P: and V:. */
const scalarKeys = new Set(['C', 'P', 'V', 'A', 'S', 'I', 'T', 'U', 'L', 'o', 'm', 't', 'c', 'D', 'p']);

export class Stanza {
  readonly startLine: number;
  readonly fields = new Map<string, string>();
  /** P: or V: given twice: two records without the blank line between them. */
  repeatedIdentity = false;
  readonly files = new Map<string, OwnedFile>();
  /** Lines that are not `X:value` (overlong ones aside): count, first line number and text. */
  badLines = 0;
  firstBadLine = 0;
  firstBadText = '';
  /** Lines longer than the line cap, not decoded. */
  overlongLines = 0;
  /** Per-kind counts of file-record problems, reported once per stanza. */
  readonly fileProblems = new Map<string, number>();
  private dir = '';
  private dirValid = true;
  private lastFile: OwnedFile | undefined;

  constructor(startLine: number) {
    this.startLine = startLine;
  }

  /** Add one non-blank line. */
  add(number: number, text: string | undefined): void {
    if (text === undefined) {
      this.overlongLines += 1;
      return;
    }
    const code = text.charCodeAt(0) | 0x20; // ASCII letter test, case-folded
    if (text.length < 2 || text.charCodeAt(1) !== 0x3a || code < 0x61 || code > 0x7a) {
      this.markBad(number, text);
      return;
    }
    const key = text[0]!;
    const value = text.slice(2);
    switch (key) {
      case 'F':
        this.enterDirectory(value);
        return;
      case 'R':
        this.addFile(value);
        return;
      case 'a':
        this.setFileMode(value);
        return;
      case 'Z':
        this.setFileDigest(value);
        return;
      default:
        if (!scalarKeys.has(key)) return; // i:, r:, k:, M:, q:, … are valid fields we do not model
        if ((key === 'P' || key === 'V') && this.fields.has(key) && this.fields.get(key) !== value) this.repeatedIdentity = true;
        this.fields.set(key, value);
    }
  }

  private markBad(number: number, text: string): void {
    this.badLines += 1;
    if (this.firstBadLine === 0) {
      this.firstBadLine = number;
      this.firstBadText = text;
    }
  }

  private problem(kind: string): void {
    this.fileProblems.set(kind, (this.fileProblems.get(kind) ?? 0) + 1);
  }

  private enterDirectory(raw: string): void {
    this.lastFile = undefined;
    const path = this.normalise(raw);
    this.dirValid = path !== undefined;
    this.dir = path ?? '';
  }

  private addFile(name: string): void {
    this.lastFile = undefined;
    if (!this.dirValid) return; // the F: line was already reported
    const path = this.normalise(this.dir === '' ? name : `${this.dir}/${name}`);
    if (path === undefined) return;
    if (path === '' || path === this.dir) {
      this.problem('R: names that are not file names');
      return;
    }
    if (!this.files.has(path) && this.files.size >= maxOwnedFiles) {
      this.problem(`files beyond the first ${maxOwnedFiles}, ignored`);
      return;
    }
    const file: OwnedFile = { path };
    this.files.set(path, file);
    this.lastFile = file;
  }

  /** `a:<uid>:<gid>:<mode>`, mode in octal. */
  private setFileMode(value: string): void {
    if (this.lastFile === undefined) return;
    const mode = value.split(':')[2];
    if (mode !== undefined && /^[0-7]{1,7}$/u.test(mode)) this.lastFile.mode = Number.parseInt(mode, 8);
    else this.problem('a: lines without an octal mode');
  }

  private setFileDigest(value: string): void {
    if (this.lastFile === undefined) {
      this.problem('Z: lines not after a file (R:)');
      return;
    }
    const digest = apkDigest(value);
    if (digest === undefined) this.problem('Z: checksums that are not Q1/X1/Q2/X2/MD5, kept without digest');
    else this.lastFile.digest = digest;
  }

  /** Lexical normalisation; `..` that would leave the image root makes the path unusable. */
  private normalise(raw: string): string | undefined {
    // Fast path: what apk writes (`usr/lib`, `usr/lib/libz.so.1`) is already normal.
    if (raw.length <= maxPathLength && raw !== '' && !unusualPath.test(raw)) return raw;
    if (raw.length > maxPathLength) {
      this.problem(`paths longer than ${maxPathLength} characters, skipped`);
      return undefined;
    }
    if (/[\u0000]/u.test(raw)) {
      this.problem('paths with NUL bytes, skipped');
      return undefined;
    }
    if (raw.split('/').includes('..')) {
      this.problem('paths with ".." segments');
      try {
        return normaliseImagePath(raw) ?? undefined;
      } catch {
        return undefined; // escapes the root: owns nothing
      }
    }
    return normaliseImagePath(raw) ?? '';
  }
}
