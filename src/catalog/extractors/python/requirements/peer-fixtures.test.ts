/**
 * Every case of ../shared/peer-fixtures/lang/python-requirements (trivy's pip parser tests), table-driven from its
 * expected.json: the packages the extractor returns, and the line each pin is on (trivy's `locations`, which the
 * package model does not carry) from parseRequirements.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { decodeText, parseRequirements, pythonRequirementsExtractor } from './index.js';

interface Expectation {
  name: string;
  options?: { useMinVersion?: boolean };
  packages?: { name: string; version: string; locations: [number, number][] }[];
}

const dir = peerFixtures('lang', 'python-requirements', 'trivy');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };

/**
 * trivy's `useMinVersion` option reads `>=`, `~=` and `==x.*` as the lowest version they allow. A range is not an
 * installed version, so grout takes exact pins only (what trivy does by default): that file has none.
 */
const minVersionDeviation: Expectation['packages'] = [];

describe('peer fixtures: lang/python-requirements', () => {
  it('covers every input', () => expect(expected.inputs.length).toBe(11));
  for (const { input, expectations } of expected.inputs) {
    for (const expectation of expectations) {
      it(`${input}: ${expectation.name}`, async () => {
        const bytes = readFileSync(join(dir, input));
        const want = expectation.options?.useMinVersion ? minVersionDeviation! : (expectation.packages ?? []);
        const path = `app/${input}`;
        const issues: string[] = [];
        const got = await pythonRequirementsExtractor.extractFile({ path, bytes, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
        expect(issues).toEqual([]);
        const byNameVersion = (a: { name: string; version: string }, b: { name: string; version: string }) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
        expect(got).toEqual(
          [...want].sort(byNameVersion).map((p) => ({
            ecosystem: 'pypi',
            name: p.name,
            version: p.version,
            licenses: [],
            evidence: path,
            metadata: { kind: 'language', origin: 'declared' },
          })),
        );
        expect(parseRequirements(decodeText(bytes)).map((p) => ({ name: p.name, version: p.version, locations: [[p.line, p.line]] }))).toEqual(want);
      });
    }
  }
});
