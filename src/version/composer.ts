import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * Packagist (Composer) versions ordered as OSV orders them: PHP's `version_compare`
 * (https://www.php.net/manual/en/function.version-compare.php) after dropping one leading `v`/`V`, the rule
 * osv-scalibr's `semantic` package applies to the Packagist ecosystem. `-`, `_` and `+` become `.`, a `.` goes
 * between digits and letters (`1.0rc1` → `1.0.rc.1`), numbers compare as numbers of any size and words by their
 * prefix: `dev` < `a`(lpha) < `b`(eta) < `RC`/`rc` < `#` (any number) < `p`(l, atch); any other word ranks as `dev`.
 * PHP accepts any string, so validity here only bounds the input: 1–256 printable characters, no blanks.
 */

/** Not a Composer limit: a bound for hostile input; real Packagist versions are well under 100 characters. */
const MAX_VERSION_LENGTH = 256;

const PRINTABLE = /^[\x21-\x7e]+$/;

/** Word weights, checked in this order by prefix; `RC` is upper case only, every other word lower case. */
const WORD_WEIGHTS: readonly (readonly [string, number])[] = [
  ['RC', 3],
  ['dev', 0],
  ['a', 1],
  ['b', 2],
  ['rc', 3],
  ['#', 4],
  ['p', 5],
];

const DIGITS = /^[0-9]+$/;

function parse(version: string): string[] | undefined {
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH || !PRINTABLE.test(version)) return undefined;
  let v = version.startsWith('v') ? version.slice(1) : version;
  v = v.startsWith('V') ? v.slice(1) : v;
  v = v
    .replace(/[-_+]/g, '.')
    .replace(/([^\d.])(\d)/g, '$1.$2')
    .replace(/(\d)([^\d.])/g, '$1.$2');
  return v.split('.');
}

function weigh(word: string): number {
  for (const [prefix, weight] of WORD_WEIGHTS) {
    if (word.startsWith(prefix)) return weight;
  }
  return 0;
}

function compareNumber(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareComponent(a: string, b: string): number {
  const aNumber = DIGITS.test(a);
  const bNumber = DIGITS.test(b);
  if (aNumber && bNumber) return compareNumber(a, b);
  // a number against a word ranks as the special word `#`
  return Math.sign(weigh(aNumber ? '#' : a) - weigh(bNumber ? '#' : b));
}

function compareComponents(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const result = compareComponent(a[i] as string, b[i] as string);
    if (result !== 0) return result;
  }
  // the longer one wins if its next part is a number; otherwise its tail is weighed against `#`
  if (a.length > b.length) return DIGITS.test(a[n] as string) ? 1 : compareComponents(a.slice(n), ['#']);
  if (a.length < b.length) return DIGITS.test(b[n] as string) ? -1 : compareComponents(['#'], b.slice(n));
  return 0;
}

export const composerScheme: VersionScheme = schemeFromParser('composer', parse, compareComponents);
