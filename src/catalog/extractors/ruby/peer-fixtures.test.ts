/**
 * Every case of ../shared/peer-fixtures/lang/gemspec and lang/gemfile-lock (trivy's parser tests), table-driven
 * from expected.json. Each asserted field we model is compared; fields we do not model are listed with the reason,
 * and an unknown field fails the test so nothing is skipped silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../core/model.js';
import type { FileExtractor } from '../../extractor.js';
import { peerFixtures } from '../../../../test/shared-data.js';
import { gemfileLockExtractor } from './gemfile-lock/index.js';
import { gemspecExtractor } from './gemspec/index.js';

interface ExpectedPackage {
  id?: string;
  name: string;
  version: string;
  relationship?: string;
  licenses?: string[];
  locations?: number[][];
}

interface Expectation {
  name: string;
  expect_error?: string | boolean;
  packages?: ExpectedPackage[];
  dependencies?: { id: string; depends_on: string[] }[];
}

interface Expected {
  inputs: { input: string; expectations: Expectation[] }[];
}

/** Expectation fields we do not model, and why. */
const notModelled: Record<string, string> = {
  id: 'package ids are assigned by the catalog; packages are matched by name and version',
  locations: 'line ranges inside the lock file are not part of the model (evidence is the file)',
};

/** Where the fixture is placed in the image: trivy feeds the parser the file whatever its name. */
const topics: { dir: string; extractor: FileExtractor; inImage: (input: string) => string }[] = [
  { dir: 'gemspec/trivy', extractor: gemspecExtractor, inImage: (input) => `usr/lib/ruby/gems/3.1.0/specifications/${input}` },
  { dir: 'gemfile-lock/trivy', extractor: gemfileLockExtractor, inImage: () => 'srv/app/Gemfile.lock' },
];

async function run(extractor: FileExtractor, path: string, bytes: Buffer): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await extractor.extractFile({ path, bytes, mode: 0o644 }, { issue: (p, reason) => issues.push(`${p}: ${reason}`) });
  return { packages, issues };
}

const idOf = (name: string, version: string): string => `${name}@${version}`;

describe.each(topics)('lang peer fixtures: $dir', ({ dir, extractor, inImage }) => {
  const root = peerFixtures('lang', dir);
  const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Expected;
  const cases = expected.inputs.flatMap((input) => input.expectations.map((x) => [`${input.input}: ${x.name}`, input.input, x] as const));

  it.each(cases)('%s', async (_label, input, x) => {
    const path = inImage(input);
    expect(extractor.wants(path, { mode: 0o644, size: 1 })).toBe(true);
    const { packages, issues } = await run(extractor, path, readFileSync(join(root, input)));

    if (x.expect_error !== undefined) {
      // trivy fails the file; we record an issue naming it and return nothing.
      expect(packages).toEqual([]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toContain(path);
      if (typeof x.expect_error === 'string') expect(issues[0]).toContain(x.expect_error);
      return;
    }

    const want = x.packages ?? [];
    if (input === 'Gemfile_malformed.lock') {
      // trivy returns nothing silently; a file named Gemfile.lock with no lockfile section is worth an issue.
      expect(issues).toEqual([`${path}: not a Gemfile.lock: no GEM, GIT, PATH, PLATFORMS or DEPENDENCIES section`]);
    } else {
      expect(issues).toEqual([]);
    }
    expect(packages.map((p) => idOf(p.name, p.version)).sort()).toEqual(want.map((p) => idOf(p.name, p.version)).sort());

    const byId = new Map(packages.map((p) => [idOf(p.name, p.version), p]));
    for (const w of want) {
      const got = byId.get(idOf(w.name, w.version))!;
      expect(got.ecosystem).toBe('gem');
      expect(got.evidence).toBe(path);
      for (const key of Object.keys(w)) {
        switch (key) {
          case 'name':
          case 'version':
            break;
          case 'licenses':
            expect(got.licenses, `${w.name}.licenses`).toEqual(w.licenses);
            break;
          case 'relationship': {
            const meta = got.metadata?.kind === 'language' ? got.metadata : undefined;
            expect(meta?.direct, `${w.name}.direct`).toBe(w.relationship === 'direct');
            break;
          }
          default:
            if (!(key in notModelled)) throw new Error(`expectation field ${key} is neither compared nor listed as not modelled`);
        }
      }
    }

    // Dependency edges: trivy's edge list by id, ours by name; every name resolves to one package of this file.
    const nameToId = new Map(packages.map((p) => [p.name, idOf(p.name, p.version)]));
    const gotEdges = packages
      .filter((p) => (p.dependsOn ?? []).length > 0)
      .map((p) => ({ id: idOf(p.name, p.version), depends_on: (p.dependsOn ?? []).map((d) => nameToId.get(d) ?? `unresolved:${d}`).sort() }));
    const wantEdges = (x.dependencies ?? []).map((d) => ({ id: d.id, depends_on: [...d.depends_on].sort() }));
    if (dir.startsWith('gemspec')) {
      // trivy's gemspec parser reports no edges; ours names runtime dependencies (installed elsewhere), checked below.
      expect(x.dependencies).toBeUndefined();
    } else {
      expect(gotEdges.sort((a, b) => a.id.localeCompare(b.id))).toEqual(wantEdges.sort((a, b) => a.id.localeCompare(b.id)));
    }
  });
});

describe('gemspec fixtures beyond what trivy asserts', () => {
  const root = peerFixtures('lang', 'gemspec/trivy');
  const path = 'usr/lib/ruby/gems/3.1.0/specifications/x.gemspec';

  it('names runtime dependencies only, not development ones nor the else-branch repeats', async () => {
    const { packages } = await run(gemspecExtractor, path, readFileSync(join(root, 'multiple_licenses.gemspec')));
    expect(packages[0]?.dependsOn).toEqual(['power_assert']);
    expect(packages[0]?.metadata).toEqual({ kind: 'language', origin: 'installed' });
  });

  it('keeps `licenses = "MIT"` as RubyGems does (trivy requires an array and drops it)', async () => {
    const { packages } = await run(gemspecExtractor, path, readFileSync(join(root, 'normal01.gemspec')));
    expect(packages[0]?.licenses).toEqual(['MIT']);
  });
});
