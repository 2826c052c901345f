/**
 * Test support for the lock-file extractors: reads a peer-fixtures `expected.json` (trivy's parser tests) and puts
 * both sides in one comparable shape: packages as `name@version` with `dev` / `direct`, and dependency edges as
 * `name@version -> name@version`, resolved within the file the way the catalog resolves `dependsOn` names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractedPackage } from '../../../core/model.js';
import { normalizeName } from './pypi-names.js';

export interface LockExpectation {
  name: string;
  expect_error?: boolean | string;
  packages?: { id?: string; name: string; version: string; dev?: boolean; relationship?: string }[];
  dependencies?: { id: string; depends_on: string[] }[];
}

export interface LockInput {
  input: string;
  expectations: LockExpectation[];
}

export function readExpected(dir: string): LockInput[] {
  return (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { inputs: LockInput[] }).inputs;
}

export interface Comparable {
  packages: string[];
  edges: string[];
}

/** What the expectation asserts, in the comparable shape. `relationship` maps to `direct` when asserted. */
export function expectedShape(expectation: LockExpectation): Comparable {
  const packages = (expectation.packages ?? []).map((p) => {
    const flags = [p.dev ? 'dev' : '', p.relationship === 'direct' ? 'direct' : p.relationship === 'indirect' ? 'indirect' : ''].filter(Boolean);
    return [`${p.name}@${p.version}`, ...flags].join(' ');
  });
  const idToKey = new Map((expectation.packages ?? []).map((p) => [p.id ?? `${p.name}@${p.version}`, `${p.name}@${p.version}`]));
  const edges = (expectation.dependencies ?? []).flatMap((d) => d.depends_on.map((to) => `${idToKey.get(d.id) ?? d.id} -> ${idToKey.get(to) ?? to}`));
  return { packages: packages.sort(), edges: edges.sort() };
}

/** What the extractor returned, in the comparable shape: `dependsOn` names resolved (PEP 503) to the file's packages. */
export function extractedShape(packages: ExtractedPackage[], withRelationship: boolean): Comparable {
  const byName = new Map<string, string[]>();
  for (const p of packages) {
    const key = normalizeName(p.name);
    byName.set(key, [...(byName.get(key) ?? []), `${p.name}@${p.version}`]);
  }
  const shape = packages.map((p) => {
    const meta = p.metadata?.kind === 'language' ? p.metadata : undefined;
    const flags = [meta?.dev ? 'dev' : '', withRelationship ? (meta?.direct ? 'direct' : 'indirect') : ''].filter(Boolean);
    return [`${p.name}@${p.version}`, ...flags].join(' ');
  });
  const edges = packages.flatMap((p) => (p.dependsOn ?? []).flatMap((dep) => (byName.get(normalizeName(dep)) ?? []).map((to) => `${p.name}@${p.version} -> ${to}`)));
  return { packages: shape.sort(), edges: edges.sort() };
}
