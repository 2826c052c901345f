import type { VersionScheme } from './version-scheme.js';

/**
 * Alpine apk versions `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`, ordered as apk-tools 2.14/3
 * orders them (https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver, apk-tools test/unit/version.data).
 * Written from that documented behaviour: the version is read token by token (first number, `.number`, one
 * lowercase letter, `_suffix` with optional number, `~commit-hash`, `-rN`); tokens of the same kind compare by value
 * (numbers as numbers unless either has a leading zero, then as strings; pre-release suffixes `alpha < beta < pre <
 * rc` before the plain version, post-release `cvs < svn < git < hg < p` after it); when one version runs out or
 * switches to another kind of token first, token kind decides.
 */

/** Not an apk limit: a bound for hostile input; real Alpine versions are far shorter. */
const MAX_VERSION_LENGTH = 1024;

/** Token kinds in apk's order: a later kind where the other version has an earlier one sorts lower. */
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

/** Suffix ranks: below NONE is a pre-release, above it a post-release. */
const SUFFIXES: Readonly<Record<string, number>> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const SUFFIX_NONE = 5;

interface Token {
  kind: number;
  /** The token's text (digits, letter, suffix name or hash). */
  value: string;
  /** Numeric value of digit tokens, wrapped to 64 bits as apk's uint64_t is. */
  number: bigint;
  suffix: number;
}

/** Reads one version string token by token, as apk-tools' tokenizer does. */
class Tokenizer {
  readonly token: Token = { kind: INITIAL_DIGIT, value: '', number: 0n, suffix: 0 };
  private pos = 0;

  constructor(private readonly text: string) {
    this.parseDigits();
  }

  private parseDigits(): void {
    const start = this.pos;
    while (this.pos < this.text.length && this.text.charCodeAt(this.pos) >= 48 && this.text.charCodeAt(this.pos) <= 57) this.pos++;
    this.token.value = this.text.slice(start, this.pos);
    if (this.token.value === '') {
      this.token.kind = INVALID;
      return;
    }
    this.token.number = BigInt.asUintN(64, BigInt(this.token.value));
  }

  /** Advance to the next token, checking that it may follow the current one. */
  next(): void {
    const t = this.token;
    if (this.pos >= this.text.length) {
      t.kind = END;
      return;
    }
    const c = this.text.charAt(this.pos);
    if (c >= 'a' && c <= 'z') {
      if (t.kind > DIGIT) return this.invalid();
      t.value = c;
      t.kind = LETTER;
      this.pos++;
      return;
    }
    if (c === '.' || (c >= '0' && c <= '9')) {
      if (c === '.') {
        if (t.kind > DIGIT) return this.invalid();
        this.pos++;
      }
      if (t.kind === INITIAL_DIGIT || t.kind === DIGIT) t.kind = DIGIT;
      else if (t.kind === SUFFIX) t.kind = SUFFIX_NO;
      else return this.invalid();
      this.parseDigits();
      return;
    }
    if (c === '_') {
      if (t.kind > SUFFIX_NO) return this.invalid();
      this.pos++;
      t.value = this.takeWhile(/[a-z]/);
      const suffix = SUFFIXES[t.value];
      if (suffix === undefined || !Object.hasOwn(SUFFIXES, t.value)) return this.invalid();
      t.suffix = suffix;
      t.kind = SUFFIX;
      return;
    }
    if (c === '~') {
      if (t.kind >= COMMIT_HASH) return this.invalid();
      this.pos++;
      t.value = this.takeWhile(/[0-9a-f]/);
      if (t.value === '') return this.invalid();
      t.kind = COMMIT_HASH;
      return;
    }
    if (c === '-') {
      if (t.kind >= REVISION_NO || this.text.charAt(this.pos + 1) !== 'r') return this.invalid();
      this.pos += 2;
      t.kind = REVISION_NO;
      this.parseDigits();
      return;
    }
    this.invalid();
  }

  private takeWhile(set: RegExp): string {
    const start = this.pos;
    while (this.pos < this.text.length && set.test(this.text.charAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private invalid(): void {
    this.token.kind = INVALID;
  }
}

/** memcmp, then the shorter first (apk's blob sort). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTokens(a: Token, b: Token): number {
  switch (a.kind) {
    case DIGIT:
      // a leading zero on either side: string comparison, as in the Gentoo rules apk follows
      if (a.value.startsWith('0') || b.value.startsWith('0')) return compareStrings(a.value, b.value);
      return compareNumbers(a.number, b.number);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareNumbers(a.number, b.number);
    case SUFFIX:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      // letters and commit hashes
      return compareStrings(a.value, b.value);
  }
}

function compareFuzzy(a: string, b: string, fuzzy: boolean): number {
  const ta = new Tokenizer(a);
  const tb = new Tokenizer(b);
  // every token consumes at least one character, so this loop ends within max(a.length, b.length) + 1 steps
  while (ta.token.kind === tb.token.kind && ta.token.kind < END) {
    const r = compareTokens(ta.token, tb.token);
    if (r !== 0) return r;
    ta.next();
    tb.next();
  }
  const ka = ta.token.kind;
  const kb = tb.token.kind;
  if (ka === kb) return 0;
  if (kb === END && fuzzy) return 0;
  // equal so far: the longer version is greater unless it continues with a pre-release suffix
  if (ka === SUFFIX && ta.token.suffix < SUFFIX_NONE) return -1;
  if (kb === SUFFIX && tb.token.suffix < SUFFIX_NONE) return 1;
  if (ka > kb) return -1;
  if (kb > ka) return 1;
  return 0;
}

/**
 * apk-tools' `apk_version_compare`: -1, 0 or 1 for any two strings, valid or not (an invalid tail compares as a
 * token kind after every valid one, so `1.0 < 1.0bc`). Prefer {@link apkScheme}, which rejects invalid versions.
 * @example apkVersionCompare('1.2_rc1-r0', '1.2-r0') // -1
 */
export function apkVersionCompare(a: string, b: string): number {
  return compareFuzzy(a, b, false);
}

/** apk-tools' `apk_version_validate`. */
export function apkVersionValidate(version: string): boolean {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) return false;
  const t = new Tokenizer(version);
  while (t.token.kind < END) t.next();
  return t.token.kind === END;
}

/**
 * apk-tools' `apk_version_match(a, op, b)` for the dependency operators `<`, `<=`, `=`, `>=`, `>`, `~` (fuzzy: `b`
 * is a token-wise prefix of `a`), `<~`, `>~`; a leading `!` negates. undefined for any other operator.
 * @example apkVersionMatch('3.6.9', '~', '3.6') // true
 */
export function apkVersionMatch(a: string, op: string, b: string): boolean | undefined {
  const negate = op.startsWith('!');
  const ops = negate ? op.slice(1) : op;
  if (ops === '' || !/^[<>=~]+$/.test(ops)) return undefined;
  const less = ops.includes('<');
  const greater = ops.includes('>');
  const fuzzy = ops.includes('~');
  const equal = ops.includes('=') || fuzzy;
  const r = compareFuzzy(a, b, fuzzy);
  const ok = (r < 0 && less) || (r > 0 && greater) || (r === 0 && equal);
  return negate ? !ok : ok;
}

export const apkScheme: VersionScheme = {
  name: 'apk',
  isValid: apkVersionValidate,
  compare(a, b) {
    return apkVersionValidate(a) && apkVersionValidate(b) ? apkVersionCompare(a, b) : undefined;
  },
};
