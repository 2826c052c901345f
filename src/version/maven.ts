import { schemeFromParser, type VersionScheme } from './version-scheme.js';

/**
 * Maven's `ComparableVersion` ordering (org.apache.maven.artifact.versioning), the order Maven itself uses to pick
 * versions; see https://maven.apache.org/pom.html#version-order-specification. Written from the specification and
 * the behaviour of apache/maven's ComparableVersion (items: numbers, qualifiers, string+number combinations, and
 * sub-lists opened by `-` or a digit/letter switch).
 */

/** Maven rejects longer strings (`MAX_VERSION_LENGTH`); it also bounds the nesting depth of sub-lists. */
const MAX_VERSION_LENGTH = 256;

type Item = NumberItem | StringItem | CombinationItem | ListItem;

interface NumberItem {
  readonly kind: 'number';
  /** Maven keeps int, long and BigInteger items; their type order equals their numeric order, so one bigint serves. */
  readonly value: bigint;
}

interface StringItem {
  readonly kind: 'string';
  readonly value: string;
}

interface CombinationItem {
  readonly kind: 'combination';
  readonly stringPart: StringItem;
  readonly digitPart: NumberItem;
}

interface ListItem {
  readonly kind: 'list';
  items: Item[];
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

/** Thrown inside `parse` only, where Java's ComparableVersion would throw (NumberFormatException). */
class Unparsable extends Error {}

/** Java's `Character.isDigit` on one UTF-16 unit (Unicode decimal digits, not just ASCII). */
function isJavaDigit(unit: string): boolean {
  return /^\p{Nd}$/u.test(unit);
}

/** The value of a Unicode decimal digit: Nd code points come in runs of ten starting at a zero. */
function digitValue(unit: string): number {
  const cp = unit.charCodeAt(0);
  let start = cp;
  while (start > 0 && cp - start < 100 && isJavaDigit(String.fromCharCode(start - 1))) start--;
  return (cp - start) % 10;
}

function makeNumber(digits: string): NumberItem {
  if (/^[0-9]*$/.test(digits)) return { kind: 'number', value: digits === '' ? 0n : BigInt(digits) };
  // Integer.parseInt / BigInteger accept any Unicode decimal digits, and nothing else.
  let value = 0n;
  for (const unit of digits) {
    if (unit.length !== 1 || !isJavaDigit(unit)) throw new Unparsable(digits);
    value = value * 10n + BigInt(digitValue(unit));
  }
  return { kind: 'number', value };
}

function makeString(value: string, followedByDigit: boolean): StringItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  if (v === 'cr') v = 'rc';
  return { kind: 'string', value: v };
}

function makeCombination(raw: string): CombinationItem {
  const value = raw.replaceAll('-', '');
  let firstDigit = -1;
  for (let i = 0; i < value.length; i++) {
    if (isJavaDigit(value[i] as string)) {
      firstDigit = i;
      break;
    }
  }
  const index = firstDigit < 0 ? 0 : firstDigit;
  return { kind: 'combination', stringPart: makeString(value.slice(0, index), true), digitPart: makeNumber(value.slice(index)) };
}

function parseItem(isCombination: boolean, isDigit: boolean, buf: string): Item {
  if (isCombination) return makeCombination(buf);
  if (isDigit) return makeNumber(buf);
  return makeString(buf, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'number':
      return item.value === 0n;
    case 'string':
      return item.value === '';
    case 'combination':
      return false;
    case 'list':
      return item.items.length === 0;
  }
}

function comparableQualifier(q: string): string {
  if (RELEASE_QUALIFIERS.has(q)) return RELEASE_INDEX;
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function cmpStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a.compareTo(b)` where `b === undefined` stands for Java's `null` (a missing item: padding). */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'number':
      if (b === undefined) return a.value === 0n ? 0 : 1;
      return b.kind === 'number' ? cmpBig(a.value, b.value) : 1;
    case 'string':
      return compareString(a, b);
    case 'combination':
      return compareCombination(a, b);
    case 'list':
      return compareList(a, b);
  }
}

function compareString(a: StringItem, b: Item | undefined): number {
  if (b === undefined) return cmpStrings(comparableQualifier(a.value), RELEASE_INDEX);
  switch (b.kind) {
    case 'number':
      return -1;
    case 'string':
      return cmpStrings(comparableQualifier(a.value), comparableQualifier(b.value));
    case 'combination': {
      const result = compareString(a, b.stringPart);
      if (result !== 0) return result;
      if (compareString(a, undefined) === 0) return -compareItem(b.digitPart, undefined);
      return -1;
    }
    case 'list':
      return -compareList(b, a);
  }
}

function compareCombination(a: CombinationItem, b: Item | undefined): number {
  if (b === undefined) {
    const result = compareString(a.stringPart, undefined);
    return result === 0 ? compareItem(a.digitPart, undefined) : result;
  }
  switch (b.kind) {
    case 'number':
      return -1;
    case 'string': {
      const result = compareString(a.stringPart, b);
      if (result !== 0) return result;
      if (compareString(a.stringPart, undefined) === 0) return compareItem(a.digitPart, undefined);
      return 1; // X1 > X
    }
    case 'list':
      return -compareList(b, a);
    case 'combination': {
      const result = compareString(a.stringPart, b.stringPart);
      return result === 0 ? compareItem(a.digitPart, b.digitPart) : result;
    }
  }
}

function compareList(a: ListItem, b: Item | undefined): number {
  if (b === undefined) {
    for (const item of a.items) {
      const result = compareItem(item, undefined);
      if (result !== 0) return result;
    }
    return 0;
  }
  switch (b.kind) {
    case 'number':
      return -1; // 1-1 < 1.0.x
    case 'string':
    case 'combination': {
      const first = a.items[0];
      let result = first === undefined ? -compareItem(b, undefined) : compareItem(first, b);
      for (let i = 1; result === 0 && i < a.items.length; i++) {
        result = compareItem(a.items[i] as Item, undefined);
      }
      return result;
    }
    case 'list': {
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i];
        const r = b.items[i];
        const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (!isNull(item)) continue;
    const next = items[i + 1];
    if (next === undefined || next.kind === 'string') {
      items.splice(i, 1);
    } else if (next.kind === 'list') {
      const head = next.items[0];
      if (head !== undefined && (head.kind === 'combination' || head.kind === 'string')) items.splice(i, 1);
    }
  }
  const only = items[0];
  if (items.length === 1 && only !== undefined && only.kind === 'list') {
    // removing a zero prefix must not leave an extra qualifier nesting level
    list.items = only.items;
  }
}

function isAsciiDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function parse(version: string): ListItem | undefined {
  if (version.length === 0 || version.length > MAX_VERSION_LENGTH) return undefined;
  // A digit run that ends at a surrogate pair makes Java cut the pair in half and fail to parse the number.
  if (/[0-9][\uD800-\uDBFF]/.test(version)) return undefined;
  try {
    return parseItems(version);
  } catch (error) {
    if (error instanceof Unparsable) return undefined;
    throw error;
  }
}

function parseItems(version: string): ListItem {
  const v = version.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const descend = (): void => {
    const child: ListItem = { kind: 'list', items: [] };
    list.items.push(child);
    list = child;
    stack.push(child);
  };
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '.') {
      list.items.push(i === start ? makeNumber('0') : parseItem(isCombination, isDigit, v.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) {
        list.items.push(makeNumber('0'));
      } else {
        // X-1 is read as X1
        if (!isDigit && i !== v.length - 1 && isJavaDigit(v[i + 1] as string)) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(isCombination, isDigit, v.slice(start, i)));
      }
      start = i + 1;
      if (list.items.length > 0) descend();
      isCombination = false;
    } else if (isAsciiDigit(c)) {
      if (!isDigit && i > start) {
        isCombination = true;
        if (list.items.length > 0) descend();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(isCombination, true, v.slice(start, i)));
        start = i;
        descend();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // 1.0.0.X1 < 1.0.0-X2: a trailing .X is read as -X
    if (!isDigit && list.items.length > 0) descend();
    list.items.push(parseItem(isCombination, isDigit, v.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i] as ListItem);
  return root;
}

function itemToString(item: Item): string {
  switch (item.kind) {
    case 'number':
      return item.value.toString();
    case 'string':
      return item.value;
    case 'combination':
      return item.stringPart.value + item.digitPart.value.toString();
    case 'list': {
      let out = '';
      for (const child of item.items) {
        if (out.length > 0) out += child.kind === 'list' ? '-' : '.';
        out += itemToString(child);
      }
      return out;
    }
  }
}

/** Maven's canonical form (`ComparableVersion.getCanonical()`), e.g. `1.0-alpha-1` → `1-alpha-1`; undefined if invalid. */
export function mavenCanonical(version: string): string | undefined {
  const items = parse(version);
  return items === undefined ? undefined : itemToString(items);
}

export const mavenScheme: VersionScheme = schemeFromParser('maven', parse, compareList);
