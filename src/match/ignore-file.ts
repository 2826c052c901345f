/**
 * `.groutignore.yaml`: findings the user accepts, each with why and until when.
 *
 * ```yaml
 * ignore:
 *   - id: CVE-2020-8203            # required: the finding id or any of its aliases (GHSA-…, DSA-…)
 *     package: lodash              # optional: the package name
 *     purl: pkg:npm/lodash@4.17.15 # optional: with or without version / qualifiers (see purl-match.ts)
 *     path: app/**\/package-lock.json  # optional: glob on the package's evidence path
 *     reason: not reachable from our code
 *     expires: 2025-06-30          # optional: on and after this day the rule no longer suppresses
 * ```
 * Every given condition must hold. An expired rule suppresses nothing and is listed in the report's
 * `expiredIgnores`, so a forgotten exception resurfaces instead of hiding a finding for ever.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ExpiredIgnoreRule, Finding } from '../core/finding.js';
import { GroutError } from '../core/errors.js';
import { globToRegExp, stripRoot } from './path-glob.js';
import { parsePurl, purlMatches } from './purl-match.js';
import type { PackageURL } from 'packageurl-js';

const MAX_FILE_BYTES = 1 << 20;
const MAX_RULES = 10_000;
const MAX_TEXT = 4096;
const KEYS = new Set(['id', 'package', 'purl', 'path', 'reason', 'expires']);

export interface IgnoreRule {
  id: string;
  package?: string;
  purl?: string;
  path?: string;
  reason?: string;
  /** YYYY-MM-DD. */
  expires?: string;
  /** Position in the file's `ignore` list, for messages. */
  index: number;
}

export interface IgnoreFile {
  /** The file the rules came from. */
  source: string;
  rules: IgnoreRule[];
}

export async function readIgnoreFile(path: string): Promise<IgnoreFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new GroutError('E_IO', `cannot read ignore file ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { file: path, cause });
  }
  if (bytes.length > MAX_FILE_BYTES) throw inputError(path, `is larger than ${MAX_FILE_BYTES} bytes`);
  return parseIgnoreFile(bytes.toString('utf8'), path);
}

/**
 * @example
 * parseIgnoreFile('ignore:\n  - id: CVE-2020-8203\n    expires: 2030-01-01\n', '.groutignore.yaml')
 * // { source: '.groutignore.yaml', rules: [{ id: 'CVE-2020-8203', expires: '2030-01-01', index: 0 }] }
 */
export function parseIgnoreFile(text: string, source: string): IgnoreFile {
  if (text.length > MAX_FILE_BYTES) throw inputError(source, `is larger than ${MAX_FILE_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100, uniqueKeys: true, logLevel: 'error' });
  } catch (cause) {
    throw inputError(source, `is not valid YAML: ${(cause as Error).message.split('\n')[0]}`, cause);
  }
  if (doc === null || doc === undefined) return { source, rules: [] };
  if (!isRecord(doc)) throw inputError(source, 'must be a mapping with an `ignore` list');
  for (const key of Object.keys(doc)) if (key !== 'ignore') throw inputError(source, `has an unknown top-level key ${JSON.stringify(key)} (expected only \`ignore\`)`);
  const list = doc['ignore'];
  if (list === null || list === undefined) return { source, rules: [] };
  if (!Array.isArray(list)) throw inputError(source, '`ignore` must be a list');
  if (list.length > MAX_RULES) throw inputError(source, `has more than ${MAX_RULES} rules`);
  return { source, rules: list.map((entry, index) => readRule(entry, index, source)) };
}

function readRule(entry: unknown, index: number, source: string): IgnoreRule {
  const where = `ignore[${index}]`;
  if (!isRecord(entry)) throw inputError(source, `${where} must be a mapping with at least \`id\``);
  for (const key of Object.keys(entry)) {
    if (!KEYS.has(key)) throw inputError(source, `${where} has an unknown key ${JSON.stringify(key)} (allowed: ${[...KEYS].join(', ')})`);
  }
  const text = (key: string): string | undefined => {
    const value = entry[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw inputError(source, `${where}.${key} must be a non-empty string`);
    if (value.length > MAX_TEXT) throw inputError(source, `${where}.${key} is longer than ${MAX_TEXT} characters`);
    return value.trim();
  };
  const id = text('id');
  if (id === undefined) throw inputError(source, `${where} has no \`id\``);
  const rule: IgnoreRule = { id, index };
  const pkg = text('package');
  if (pkg !== undefined) rule.package = pkg;
  const purl = text('purl');
  if (purl !== undefined) {
    if (parsePurl(purl) === undefined) throw inputError(source, `${where}.purl ${JSON.stringify(purl)} is not a package URL`);
    rule.purl = purl;
  }
  const path = text('path');
  if (path !== undefined) rule.path = path;
  const reason = text('reason');
  if (reason !== undefined) rule.reason = reason;
  const expires = text('expires');
  if (expires !== undefined) {
    if (!isCalendarDate(expires)) throw inputError(source, `${where}.expires must be a date YYYY-MM-DD, got ${JSON.stringify(expires)}`);
    rule.expires = expires;
  }
  return rule;
}

/** Has the rule expired by `now` (on or after its expiry day, in UTC)? */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expires !== undefined && now.toISOString().slice(0, 10) >= rule.expires;
}

/** Does an unexpired-or-not rule name this finding? (Expiry is the caller's concern.) */
export function ruleMatches(rule: IgnoreRule, finding: Finding): boolean {
  if (rule.id !== finding.id && !finding.aliases.includes(rule.id)) return false;
  if (rule.package !== undefined && rule.package !== finding.package.name) return false;
  if (rule.purl !== undefined) {
    const pattern: PackageURL | undefined = parsePurl(rule.purl);
    if (pattern === undefined || !purlMatches(pattern, finding.package.purl)) return false;
  }
  if (rule.path !== undefined) {
    const re = globToRegExp(rule.path);
    if (re === undefined || !re.test(stripRoot(finding.package.path))) return false;
  }
  return true;
}

export function expiredRule(rule: IgnoreRule, source: string): ExpiredIgnoreRule {
  const out: ExpiredIgnoreRule = { id: rule.id, expires: rule.expires ?? '', source };
  if (rule.reason !== undefined) out.reason = rule.reason;
  return out;
}

function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function inputError(source: string, message: string, cause?: unknown): GroutError {
  return new GroutError('E_INPUT_FORMAT', `ignore file ${source} ${message}`, {
    file: source,
    hint: 'see the .groutignore.yaml format: ignore: [{ id, package?, purl?, path?, reason?, expires? }]',
    ...(cause === undefined ? {} : { cause }),
  });
}
