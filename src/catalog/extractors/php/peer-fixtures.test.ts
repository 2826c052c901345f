/**
 * Every case of ../shared/peer-fixtures/lang/composer-lock (trivy's parser test), table-driven from expected.json.
 * Each asserted field we model is compared; fields we do not model are listed with the reason, and an unknown
 * field fails the test so nothing is skipped silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../core/model.js';
import { peerFixtures } from '../../../../test/shared-data.js';
import { composerLockExtractor } from './composer-lock/index.js';

interface ExpectedPackage {
  name: string;
  version: string;
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
  locations: 'line ranges inside the lock file are not part of the model (evidence is the file)',
};

const root = peerFixtures('lang', 'composer-lock', 'trivy');
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };
const cases = expected.inputs.flatMap((input) => input.expectations.map((x) => [`${input.input}: ${x.name}`, input.input, x] as const));
const idOf = (p: { name: string; version: string }): string => `${p.name}@${p.version}`;

describe('lang peer fixtures: composer-lock/trivy', () => {
  it('covers every case', () => {
    expect(cases).toHaveLength(1);
  });

  it.each(cases)('%s', async (_label, input, x) => {
    // trivy hands the parser the file whatever its name; in an image it is a composer.lock.
    const path = 'var/www/app/composer.lock';
    expect(composerLockExtractor.wants(path, { mode: 0o644, size: 1 })).toBe(true);
    const issues: string[] = [];
    const packages = (await composerLockExtractor.extractFile(
      { path, bytes: readFileSync(join(root, input)), mode: 0o644 },
      { issue: (p, reason) => issues.push(`${p}: ${reason}`) },
    )) as ExtractedPackage[];
    expect(issues).toEqual([]);
    const want = x.packages ?? [];
    expect(packages.map(idOf)).toEqual(want.map(idOf).sort());

    for (const w of want) {
      const got = packages.find((p) => idOf(p) === idOf(w))!;
      const meta = got.metadata?.kind === 'language' ? got.metadata : undefined;
      expect(got.ecosystem).toBe('composer');
      expect(got.evidence).toBe(path);
      expect(meta?.origin).toBe('declared');
      // trivy leaves dev unset for runtime packages; we say false.
      expect(meta?.dev, `${w.name}.dev`).toBe(w['dev'] === true);
      for (const key of Object.keys(w)) {
        if (key === 'name' || key === 'version' || key === 'dev') continue;
        if (key === 'licenses') expect(got.licenses, `${w.name}.licenses`).toEqual(w['licenses']);
        else if (!(key in notModelled)) throw new Error(`expectation field ${key} is neither compared nor listed as not modelled`);
      }
    }

    const nameToId = new Map(packages.map((p) => [p.name, idOf(p)]));
    const gotEdges = packages
      .filter((p) => (p.dependsOn ?? []).length > 0)
      .map((p) => ({ id: idOf(p), depends_on: (p.dependsOn ?? []).map((d) => nameToId.get(d) ?? `unresolved:${d}`).sort() }));
    const wantEdges = (x.dependencies ?? []).map((d) => ({ id: d.id, depends_on: [...d.depends_on].sort() })).sort((a, b) => a.id.localeCompare(b.id));
    expect(gotEdges).toEqual(wantEdges);
  });
});
