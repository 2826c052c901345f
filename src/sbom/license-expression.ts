import { canonicalLicenseId } from './license-ids.js';

/** How one declared licence string can be written in an SBOM. */
export type LicenseClass =
  /** Exactly one licence id from the SPDX list, in its canonical spelling. */
  | { kind: 'id'; value: string }
  /**
   * A valid SPDX licence expression (SPDX 2.3 Annex D), re-spelled with canonical ids and single spaces.
   * `topLevelOr`: it has an OR outside any parentheses, so joining it with others by AND needs
   * parentheses around it; `licenseRefs` lists its `LicenseRef-`s.
   */
  | { kind: 'expression'; value: string; topLevelOr: boolean; licenseRefs: string[] }
  /** Anything else: a free-form name such as `GPLv2+` or `BSD-like`. */
  | { kind: 'other'; value: string };

/** Longer strings are not expressions but licence texts; they are never parsed. */
const MAX_EXPRESSION_CHARS = 1024;
const MAX_TOKENS = 256;
const MAX_DEPTH = 16;

const IDSTRING = /^[A-Za-z0-9.-]+$/;
const LICENSE_REF = /^LicenseRef-[A-Za-z0-9.-]+$/;

/**
 * Classify a licence string as declared by a package database.
 *
 * - `MIT`, `mit` → id `MIT`
 * - `GPL-2.0-or-later AND (MIT OR BSD-3-Clause)`, `Apache-2.0+`, `LicenseRef-foo` → expression
 * - `GPLv2+`, `MIT and BSD` (operators are case-sensitive, D.2), `DocumentRef-x:LicenseRef-y` (an external document
 *   grout cannot name) → other
 *
 * Exception ids after `WITH` are checked for syntax only: the licence list grout carries has no exception list.
 */
export function classifyLicense(text: string): LicenseClass {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_EXPRESSION_CHARS) return { kind: 'other', value: text };
  const single = canonicalLicenseId(trimmed);
  if (single !== undefined) return { kind: 'id', value: single };
  const tokens = tokenize(trimmed);
  if (tokens === undefined) return { kind: 'other', value: text };
  const parsed = parseExpression(tokens);
  if (parsed === undefined) return { kind: 'other', value: text };
  return {
    kind: 'expression',
    value: render(parsed.tokens),
    topLevelOr: parsed.topLevelOr,
    licenseRefs: [...new Set(parsed.licenseRefs)],
  };
}

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|[^\s()]+)\s*/y;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (m === null || m[1] === undefined) return undefined;
    tokens.push(m[1]);
    if (tokens.length > MAX_TOKENS) return undefined;
  }
  return tokens;
}

interface Parsed {
  tokens: string[];
  licenseRefs: string[];
  /** An OR outside parentheses: joining this with AND needs parentheses around it. */
  topLevelOr: boolean;
}

/** Recursive descent over: or := and ("OR" and)*; and := with ("AND" with)*; with := term ["WITH" exception] | "(" or ")". */
function parseExpression(input: readonly string[]): Parsed | undefined {
  const out: string[] = [];
  const licenseRefs: string[] = [];
  let topLevelOr = false;
  let pos = 0;
  const peek = (): string | undefined => input[pos];

  const parseOr = (depth: number): boolean => {
    if (!parseAnd(depth)) return false;
    while (peek() === 'OR') {
      if (depth === 0) topLevelOr = true;
      out.push('OR');
      pos++;
      if (!parseAnd(depth)) return false;
    }
    return true;
  };
  const parseAnd = (depth: number): boolean => {
    if (!parseWith(depth)) return false;
    while (peek() === 'AND') {
      out.push('AND');
      pos++;
      if (!parseWith(depth)) return false;
    }
    return true;
  };
  const parseWith = (depth: number): boolean => {
    const token = peek();
    if (token === '(') {
      if (depth >= MAX_DEPTH) return false;
      out.push('(');
      pos++;
      if (!parseOr(depth + 1) || peek() !== ')') return false;
      out.push(')');
      pos++;
      return true;
    }
    if (token === undefined) return false;
    const term = licenseTerm(token);
    if (term === undefined) return false;
    out.push(term);
    pos++;
    if (term.startsWith('LicenseRef-')) licenseRefs.push(term);
    if (peek() === 'WITH') {
      pos++;
      const exception = peek();
      if (exception === undefined || isOperator(exception) || !IDSTRING.test(exception)) return false;
      out.push('WITH', exception);
      pos++;
    }
    return true;
  };

  if (!parseOr(0) || pos !== input.length) return undefined;
  return { tokens: out, licenseRefs, topLevelOr };
}

/** A simple expression: a listed id, a listed id with `+`, or a `LicenseRef-`; canonical spelling, or undefined. */
function licenseTerm(token: string): string | undefined {
  if (isOperator(token) || token === ')') return undefined;
  if (LICENSE_REF.test(token)) return token;
  const listed = canonicalLicenseId(token);
  if (listed !== undefined) return listed;
  if (token.endsWith('+')) {
    const base = canonicalLicenseId(token.slice(0, -1));
    if (base !== undefined) return `${base}+`;
  }
  return undefined;
}

function isOperator(token: string): boolean {
  return token === 'AND' || token === 'OR' || token === 'WITH';
}

function render(tokens: readonly string[]): string {
  let text = '';
  let previous: string | undefined;
  for (const token of tokens) {
    if (previous !== undefined && previous !== '(' && token !== ')') text += ' ';
    text += token;
    previous = token;
  }
  return text;
}

/**
 * Join expressions with AND into one, parenthesising parts with a top-level OR: `["MIT", "GPL-2.0-only OR BSD-3-Clause"]` →
 * `MIT AND (GPL-2.0-only OR BSD-3-Clause)`. A single part is returned as is.
 */
export function joinWithAnd(parts: readonly { value: string; topLevelOr: boolean }[]): string {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0].value;
  return parts.map((p) => (p.topLevelOr ? `(${p.value})` : p.value)).join(' AND ');
}
