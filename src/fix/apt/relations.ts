/**
 * Debian package relationship fields (Depends, Pre-Depends, Breaks, Conflicts, Provides) and whether a package
 * satisfies one: https://www.debian.org/doc/debian-policy/ch-relationships.html and, for `:any`/Multi-Arch,
 * https://wiki.ubuntu.com/MultiarchSpec. Pure functions.
 */
import { debScheme } from '../../version/index.js';

export type RelationOp = '<<' | '<=' | '=' | '>=' | '>>';

export interface Relation {
  name: string;
  /** `any`, `native` or an architecture, from `name:qualifier`. */
  qualifier?: string;
  op?: RelationOp;
  version?: string;
}

/** Comma-separated groups of `|`-separated alternatives. */
export type RelationGroups = Relation[][];

const MAX_FIELD = 64 * 1024;
const MAX_GROUPS = 4096;
const RELATION = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^)\s]+)\s*\))?$/;

const cache = new Map<string, RelationGroups | string>();

/**
 * Parse a relationship field; a string is the reason it could not be read. Architecture restrictions `[…]` and
 * build profiles `<…>` (source-package syntax) are dropped. The obsolete `<` and `>` mean `<=` and `>=`.
 * @example parseRelations('libc6 (>= 2.36), libssl3 | libssl1.1') // [[{name:'libc6',op:'>=',version:'2.36'}], [{name:'libssl3'},{name:'libssl1.1'}]]
 */
export function parseRelations(field: string | readonly string[] | undefined): RelationGroups | string {
  if (field === undefined) return [];
  const text = typeof field === 'string' ? field : field.join(', ');
  if (text.length > MAX_FIELD) return `a relationship field longer than ${MAX_FIELD} characters`;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(text);
  if (cache.size > 20_000) cache.clear();
  cache.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): RelationGroups | string {
  const groups: RelationGroups = [];
  for (const rawGroup of text.split(',')) {
    if (rawGroup.trim() === '') continue;
    if (groups.length >= MAX_GROUPS) return `more than ${MAX_GROUPS} relationships`;
    const group: Relation[] = [];
    for (const rawAlt of rawGroup.split('|')) {
      const alt = rawAlt.replace(/\[[^\]]*\]/g, '').replace(/<\s*!?[a-z][^<>()]*>/g, '').trim();
      const m = RELATION.exec(alt);
      if (m === null || m[1] === undefined) return `cannot read the relationship ${JSON.stringify(rawAlt.trim().slice(0, 100))}`;
      const relation: Relation = { name: m[1] };
      if (m[2] !== undefined) relation.qualifier = m[2];
      if (m[3] !== undefined && m[4] !== undefined) {
        if (!debScheme.isValid(m[4])) return `the relationship ${JSON.stringify(alt)} has an invalid version`;
        relation.op = m[3] === '<' ? '<=' : m[3] === '>' ? '>=' : (m[3] as RelationOp);
        relation.version = m[4];
      }
      group.push(relation);
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

/** Does `version` satisfy `op wanted`? No constraint is always satisfied; an unreadable version never is. */
export function versionSatisfies(version: string, op: RelationOp | undefined, wanted: string | undefined): boolean {
  if (op === undefined || wanted === undefined) return true;
  const c = debScheme.compare(version, wanted);
  if (c === undefined) return false;
  switch (op) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}

export interface ArchFacts {
  arch: string;
  multiArch: 'no' | 'same' | 'foreign' | 'allowed';
}

/**
 * May `target` (a package of that arch/Multi-Arch) satisfy a relation with `qualifier` declared by a package of
 * `dependerArch`? `all` counts as the native architecture.
 */
export function archSatisfies(target: ArchFacts, qualifier: string | undefined, dependerArch: string, native: string): boolean {
  const targetArch = target.arch === 'all' ? native : target.arch;
  const from = dependerArch === 'all' ? native : dependerArch;
  if (qualifier === undefined) return targetArch === from || target.multiArch === 'foreign';
  if (qualifier === 'any') return targetArch === from || target.multiArch === 'allowed' || target.multiArch === 'foreign';
  if (qualifier === 'native') return targetArch === native;
  return targetArch === qualifier;
}

/** `Provides` entries: `name` or `name (= version)`. */
export interface Provided {
  name: string;
  version?: string;
}

export function parseProvides(field: string | readonly string[] | undefined): Provided[] {
  const groups = parseRelations(field);
  if (typeof groups === 'string') return [];
  return groups.flatMap((g) => g.map((r) => (r.op === '=' && r.version !== undefined ? { name: r.name, version: r.version } : { name: r.name })));
}

/** Render a relation for messages, as Debian writes it. */
export function showRelation(r: Relation): string {
  return `${r.name}${r.qualifier === undefined ? '' : `:${r.qualifier}`}${r.op === undefined ? '' : ` (${r.op} ${r.version ?? ''})`}`;
}

export function showGroup(group: readonly Relation[]): string {
  return group.map(showRelation).join(' | ');
}
