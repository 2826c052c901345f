/**
 * Every case of ../shared/peer-fixtures/lang/dotnet-deps-json (trivy's parser test), table-driven from
 * expected.json. Each asserted field we model is compared; fields we do not model are listed with the reason, an
 * unknown field fails the test, and where we differ on purpose the reason is written here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { depsJsonExtractor } from './index.js';

interface ExpectedPackage {
  name: string;
  version: string;
  relationship?: string;
  [field: string]: unknown;
}

interface Expectation {
  name: string;
  expect_error?: string | boolean;
  packages?: ExpectedPackage[];
  dependencies?: { id: string; depends_on: string[] }[];
}

const notModelled: Record<string, string> = {
  id: 'package ids are assigned by the catalog; packages are matched by name and version',
  locations: 'line ranges inside the file are not part of the model (evidence is the file)',
};

/**
 * Deliberate divergence: trivy reports `project` libraries (the app itself as `root`, referenced projects as
 * `workspace`). They are the application being scanned, not NuGet packages: a `pkg:nuget/Web@1.0.0` would match
 * advisories of an unrelated package named Web. We use them only to find the root and its direct dependencies, so
 * expected root/workspace packages, and edges from or to them, are left out of the comparison.
 */
const projectRelationships = new Set(['root', 'workspace']);

/** Projects trivy cannot place (ambiguous root, or every project when the target is missing) carry no relationship. */
const projectsWithoutRelationship: Record<string, string[]> = {
  'missing-target.deps.json': ['ExampleApp1'],
  'ambiguous-root.deps.json': ['Web', 'Worker'],
};

const root = peerFixtures('lang', 'dotnet-deps-json', 'trivy');
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };
const cases = expected.inputs.flatMap((input) => input.expectations.map((x) => [`${input.input}: ${x.name}`, input.input, x] as const));
const idOf = (p: { name: string; version: string }): string => `${p.name}/${p.version}`;

describe('lang peer fixtures: dotnet-deps-json/trivy', () => {
  it('covers every case', () => {
    expect(cases).toHaveLength(8);
  });

  it.each(cases)('%s', async (_label, input, x) => {
    const path = `app/${input}`;
    expect(depsJsonExtractor.wants(path, { mode: 0o644, size: 1 })).toBe(true);
    const issues: string[] = [];
    const packages = (await depsJsonExtractor.extractFile(
      { path, bytes: readFileSync(join(root, input)), mode: 0o644 },
      { issue: (p, reason) => issues.push(`${p}: ${reason}`) },
    )) as ExtractedPackage[];

    if (x.expect_error !== undefined) {
      expect(packages).toEqual([]);
      expect(issues).toHaveLength(1);
      // trivy's message ends with its JSON decoder's wording; ours with V8's.
      expect(issues[0]).toContain(`${path}: failed to decode .deps.json file: `);
      return;
    }
    expect(issues).toEqual([]);

    const projects = new Set(projectsWithoutRelationship[input] ?? []);
    for (const p of x.packages ?? []) if (projectRelationships.has(p.relationship ?? '')) projects.add(p.name);
    const want = (x.packages ?? []).filter((p) => !projects.has(p.name));
    expect(packages.map(idOf)).toEqual(want.map(idOf).sort());

    for (const w of want) {
      const got = packages.find((p) => idOf(p) === idOf(w))!;
      const meta = got.metadata?.kind === 'language' ? got.metadata : undefined;
      expect(got.ecosystem).toBe('nuget');
      expect(got.evidence).toBe(path);
      expect(meta?.origin).toBe('installed');
      // trivy's tests compare whole structs: no relationship means none was set.
      expect(meta?.direct, `${w.name}.direct`).toBe(w.relationship === undefined ? undefined : w.relationship === 'direct');
      for (const key of Object.keys(w)) {
        if (key === 'name' || key === 'version' || key === 'relationship') continue;
        if (!(key in notModelled)) throw new Error(`expectation field ${key} is neither compared nor listed as not modelled`);
      }
    }

    const nameToId = new Map(packages.map((p) => [p.name, idOf(p)]));
    const gotEdges = packages
      .filter((p) => (p.dependsOn ?? []).length > 0)
      .map((p) => ({ id: idOf(p), depends_on: (p.dependsOn ?? []).map((d) => nameToId.get(d) ?? `unresolved:${d}`).sort() }));
    const isProject = (id: string): boolean => projects.has(id.slice(0, id.indexOf('/')));
    const wantEdges = (x.dependencies ?? [])
      .filter((d) => !isProject(d.id))
      .map((d) => ({ id: d.id, depends_on: d.depends_on.filter((to) => !isProject(to)).sort() }))
      .filter((d) => d.depends_on.length > 0)
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(gotEdges).toEqual(wantEdges);
  });
});
