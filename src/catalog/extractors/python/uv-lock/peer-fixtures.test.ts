/** Every case of ../shared/peer-fixtures/lang/uv-lock (trivy's uv parser tests): packages, direct/dev, edges. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { expectedShape, extractedShape, readExpected } from '../lock-expectations.js';
import { uvLockExtractor } from './index.js';

const dir = peerFixtures('lang', 'uv-lock', 'trivy');
const inputs = readExpected(dir);

/**
 * Deliberate divergences from trivy:
 * - the root project (`normal`, relationship "root") is the project being locked, not a dependency: it is not
 *   reported, and neither are its edges (its dependencies are marked `direct` instead);
 * - a lock without exactly one root is an error for trivy; grout reports the issue and keeps the packages (they are
 *   still what gets installed), without `direct` and `dev`.
 */
const withoutRootOrWithSeveral = { packages: ['asyncio@3.4.3'], edges: [] as string[] };

describe('peer fixtures: lang/uv-lock', () => {
  it('covers every input', () => expect(inputs.length).toBe(3));
  for (const { input, expectations } of inputs) {
    for (const expectation of expectations) {
      it(`${input}: ${expectation.name}`, async () => {
        const issues: string[] = [];
        const path = `app/${input}`;
        const got = await uvLockExtractor.extractFile({ path, bytes: readFileSync(join(dir, input)), mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
        for (const p of got) expect(p).toMatchObject({ ecosystem: 'pypi', evidence: path, licenses: [], metadata: { kind: 'language', origin: 'declared' } });
        if (expectation.expect_error) {
          expect(issues).toHaveLength(1);
          expect(issues[0]).toMatch(/^uv\.lock: (no root project \(.*\)|2 root projects \(foo, bar\)); direct and dev dependencies are not known$/);
          expect(extractedShape(got, false)).toEqual(withoutRootOrWithSeveral);
          return;
        }
        expect(issues).toEqual([]);
        const rootIds = new Set((expectation.packages ?? []).filter((p) => p.relationship === 'root').map((p) => `${p.name}@${p.version}`));
        expect(rootIds).toEqual(new Set(['normal@0.1.0']));
        const want = expectedShape({ ...expectation, packages: (expectation.packages ?? []).filter((p) => p.relationship !== 'root') });
        want.edges = want.edges.filter((edge) => !rootIds.has(edge.split(' -> ')[0]!));
        expect(extractedShape(got, true)).toEqual(want);
      });
    }
  }
});
