/**
 * Every Cargo.lock case of ../shared/peer-fixtures/lang/cargo-lock (trivy's parser tests), table-driven from
 * expected.json: the package set (name, version) and the dependency edges.
 *
 * Deliberate divergence: trivy's edges name a version (`app@0.1.0 → memchr@1.0.2`); an ExtractedPackage's
 * `dependsOn` holds names only (the catalog resolves them), so the edges are compared by dependency name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { cargoLockExtractor } from './index.js';

interface ExpectedPackage {
  id: string;
  name: string;
  version: string;
  [field: string]: unknown;
}

interface Expectation {
  name: string;
  expect_error?: boolean | string;
  packages?: ExpectedPackage[];
  dependencies?: { id: string; depends_on: string[] }[];
}

const root = peerFixtures('lang', 'cargo-lock', 'trivy');
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };

/** Expectation fields we do not model, and why. */
const notModelled: Record<string, string> = {
  id: 'package ids are assigned by the catalog',
  locations: 'line ranges of an entry in the lock file: the model has no per-package line location',
};
const modelled = new Set(['name', 'version']);

const cases = expected.inputs.flatMap((input) => input.expectations.map((x) => ({ input: input.input, x })));

describe('rust/cargo-lock against peer fixtures (trivy)', () => {
  it('covers every case', () => {
    expect(cases.length).toBe(4);
  });

  it.each(cases.map((c) => [`${c.input}: ${c.x.name}`, c] as const))('%s', async (_label, { input, x }) => {
    const path = `app/${input}`;
    const issues: string[] = [];
    const packages = await cargoLockExtractor.extractFile({ path, bytes: readFileSync(join(root, input)), mode: 0o644 }, { issue: (_p, r) => issues.push(r) });

    if (x.expect_error) {
      expect(packages).toEqual([]);
      expect(issues).toEqual([expect.stringMatching(/^Cargo.lock is not valid TOML: /)]);
      return;
    }
    expect(issues).toEqual([]);
    for (const p of x.packages ?? []) {
      for (const field of Object.keys(p)) {
        if (!modelled.has(field) && !(field in notModelled)) throw new Error(`unknown expectation field ${field}: model it or say why not`);
      }
    }
    const key = (p: { name: string; version: string }) => `${p.name}@${p.version}`;
    expect(packages.map(key).sort()).toEqual((x.packages ?? []).map(key).sort());

    const byId = new Map((x.packages ?? []).map((p) => [p.id, p]));
    const edges = new Map((x.dependencies ?? []).map((d) => [d.id, [...new Set(d.depends_on.map((id) => byId.get(id)!.name))].sort()]));
    for (const p of packages) {
      const id = (x.packages ?? []).find((e) => key(e) === key(p))!.id;
      expect({ id, dependsOn: p.dependsOn ?? [] }).toEqual({ id, dependsOn: edges.get(id) ?? [] });
      expect(p).toMatchObject({ ecosystem: 'cargo', evidence: path, licenses: [], metadata: { kind: 'language', origin: 'declared' } });
    }
  });
});
