/**
 * Every case of ../shared/peer-fixtures/lang/python-metadata (trivy's packaging parser tests), table-driven from
 * its expected.json: name, version and licences of each METADATA / PKG-INFO / egg-info file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { pythonInstalledExtractor } from './index.js';

interface Expectation {
  name: string;
  expect_error?: boolean | string;
  packages?: { name: string; version: string; licenses?: string[] }[];
}

const dir = peerFixtures('lang', 'python-metadata', 'trivy');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };

/** Expectations we do not follow, with the reason, keyed by input file. */
const deviations: Record<string, { licenses: string[]; reason: string }> = {
  'networkx-3.0.METADATA': {
    licenses: [],
    reason: 'trivy reports `License-File: LICENSE.txt` as the licence "file://LICENSE.txt"; a file name is not a declared licence',
  },
};

describe('peer fixtures: lang/python-metadata', () => {
  it('covers every input', () => expect(expected.inputs.length).toBe(11));
  for (const { input, expectations } of expected.inputs) {
    for (const expectation of expectations) {
      it(`${input}: ${expectation.name}`, async () => {
        const issues: string[] = [];
        const path = `usr/lib/python3/dist-packages/${input}`;
        const got = await pythonInstalledExtractor.extractFile(
          { path, bytes: readFileSync(join(dir, input)), mode: 0o644 },
          { issue: (p, reason) => issues.push(`${p}: ${reason}`) },
        );
        if (expectation.expect_error) {
          expect(got).toEqual([]);
          expect(issues).toEqual([`${path}: Python core metadata has no Name and Version field; skipped`]);
          return;
        }
        expect(issues).toEqual([]);
        const deviation = deviations[input];
        expect(
          got.map((p) => ({ name: p.name, version: p.version, licenses: p.licenses, origin: p.metadata?.kind === 'language' && p.metadata.origin })),
        ).toEqual(
          (expectation.packages ?? []).map((p) => ({
            name: p.name,
            version: p.version,
            licenses: deviation ? deviation.licenses : (p.licenses ?? []),
            origin: 'installed',
          })),
        );
        for (const p of got) expect(p.evidence).toBe(path);
      });
    }
  }
});
