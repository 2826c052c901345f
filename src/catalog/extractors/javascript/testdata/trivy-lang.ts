/**
 * Test support (not shipped: testdata is outside the build): reads trivy's expectations for one npm-family
 * ecosystem of ../shared/peer-fixtures/lang and compares an extractor's output with them.
 *
 * What is compared, per expected package: name and version; `dev` (absent = not dev, as trivy's tests compare
 * whole structs); `relationship` direct/indirect against `metadata.direct`; licences where asserted; the
 * external reference URL against `metadata.resolved`; dependency edges, by name, against `dependsOn`.
 * `id` and `locations` (line ranges) are not modelled.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { peerFixtures } from '../../../../../test/shared-data.js';

export interface TrivyPackage {
  id: string;
  name: string;
  version?: string;
  relationship?: string;
  dev?: boolean;
  licenses?: string[];
  external_references?: { Type: string; URL: string }[];
}

export interface TrivyExpectation {
  name: string;
  expect_error?: boolean | string;
  packages?: TrivyPackage[];
  dependencies?: { id: string; depends_on: string[] }[];
}

export interface TrivyInput {
  input: string;
  expectations: TrivyExpectation[];
}

export function trivyInputs(ecosystem: string): { dir: string; inputs: TrivyInput[] } {
  const dir = peerFixtures('lang', ecosystem, 'trivy');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { inputs: TrivyInput[] };
  return { dir, inputs: expected.inputs };
}

export async function runExtractor(
  extractor: FileExtractor,
  dir: string,
  input: string,
  path: string,
): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const bytes = readFileSync(join(dir, input));
  expect(extractor.wants(path, { mode: 0o644, size: bytes.length }), `wants ${path}`).toBe(true);
  const issues: string[] = [];
  const packages = await extractor.extractFile({ path, bytes, mode: 0o644 }, { issue: (_p, reason) => issues.push(reason) });
  return { packages, issues };
}

/** The package name in a trivy id: `@s/n@1.0.0(peer@2)` → `@s/n`, `x@file:y` → `x`. */
function nameOfId(id: string): string {
  const at = id.indexOf('@', 1);
  return at < 0 ? id : id.slice(0, at);
}

export interface Divergence {
  /** Expected packages (by trivy id) we do not report, with the reason. */
  skip?: Record<string, string>;
  /** Fields of expected packages (by trivy id) we do not compare, with the reason. */
  fields?: Record<string, Record<string, string>>;
  /** We do not compute this field for the whole case, with the reason. */
  notComputed?: Partial<Record<'dev' | 'relationship' | 'resolved', string>>;
  /** Packages we report beyond trivy's list: a predicate they must satisfy and the reason. */
  extra?: { accept: (p: ExtractedPackage) => boolean; reason: string };
}

export function compareWithTrivy(got: readonly ExtractedPackage[], x: TrivyExpectation, divergence: Divergence = {}): void {
  const wanted = (x.packages ?? []).filter((p) => divergence.skip?.[p.id] === undefined);
  const key = (name: string, version: string | undefined): string => `${name}@${version ?? ''}`;
  const gotByKey = new Map(got.map((p) => [key(p.name, p.version), p]));
  const wantedKeys = new Set(wanted.map((p) => key(p.name, p.version)));

  // Same set of name@version (trivy lists a name@version once per peer variant; we merge them).
  const extra = got.filter((p) => !wantedKeys.has(key(p.name, p.version)));
  if (divergence.extra !== undefined) {
    for (const p of extra) expect(divergence.extra.accept(p), `extra ${p.name}@${p.version}: ${divergence.extra.reason}`).toBe(true);
  } else {
    expect(extra.map((p) => `${p.name}@${p.version}`), 'packages trivy does not list').toEqual([]);
  }
  expect([...gotByKey.keys()].filter((k) => wantedKeys.has(k)).sort(), 'packages').toEqual([...wantedKeys].sort());

  // Per name@version, what the trivy entries (possibly several) say.
  const groups = new Map<string, TrivyPackage[]>();
  for (const p of wanted) groups.set(key(p.name, p.version), [...(groups.get(key(p.name, p.version)) ?? []), p]);
  const depsById = new Map((x.dependencies ?? []).map((d) => [d.id, d.depends_on]));

  for (const [k, entries] of groups) {
    const pkg = gotByKey.get(k)!;
    const meta = pkg.metadata?.kind === 'language' ? pkg.metadata : undefined;
    expect(pkg.ecosystem, k).toBe('npm');
    expect(meta?.origin, k).toBe('declared');
    const skipField = (field: string): boolean => entries.some((e) => divergence.fields?.[e.id]?.[field] !== undefined);

    if (divergence.notComputed?.dev === undefined && !skipField('dev')) {
      expect(meta?.dev === true, `${k} dev`).toBe(entries.every((e) => e.dev === true));
    }
    const relationships = entries.map((e) => e.relationship).filter((r): r is string => r !== undefined);
    if (relationships.length > 0 && divergence.notComputed?.relationship === undefined && !skipField('relationship')) {
      if (relationships.every((r) => r === 'unknown')) expect(meta?.direct, `${k} direct`).toBeUndefined();
      else expect(meta?.direct, `${k} direct`).toBe(relationships.some((r) => r === 'direct'));
    }
    const licences = entries.find((e) => e.licenses !== undefined)?.licenses;
    if (licences !== undefined && !skipField('licenses')) expect(pkg.licenses, `${k} licenses`).toEqual(licences);
    const url = entries.find((e) => e.external_references?.[0] !== undefined)?.external_references?.[0]?.URL;
    if (url !== undefined && divergence.notComputed?.resolved === undefined && !skipField('resolved')) {
      expect(meta?.resolved, `${k} resolved`).toBe(url);
    }
    if (!skipField('dependsOn')) {
      const names = new Set(entries.flatMap((e) => (depsById.get(e.id) ?? []).map(nameOfId)));
      expect(pkg.dependsOn ?? [], `${k} dependsOn`).toEqual([...names].sort());
    }
  }
}
