/** Every case of ../shared/peer-fixtures/lang/poetry-lock (trivy's poetry parser tests): packages, dev flags, edges. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { expectedShape, extractedShape, readExpected } from '../lock-expectations.js';
import { poetryLockExtractor } from './index.js';

const dir = peerFixtures('lang', 'poetry-lock', 'trivy');
const inputs = readExpected(dir);

/**
 * trivy indexes only non-dev packages (`category != "dev"`) when it resolves lock-version 1.x dependencies, so in
 * the 1.x fixture it loses pytest's edges to its dev-only dependencies. The lock file does list them (and trivy's
 * 2.x expectation for the same project has them): grout keeps them.
 */
const extraEdges: Record<string, string[]> = {
  'poetry_flask.lock': ['atomicwrites@1.4.1', 'attrs@25.1.0', 'more-itertools@10.6.0', 'packaging@24.2', 'py@1.11.0', 'wcwidth@0.2.13'].map((to) => `pytest@5.4.3 -> ${to}`),
};

describe('peer fixtures: lang/poetry-lock', () => {
  it('covers every input', () => expect(inputs.length).toBe(3));
  for (const { input, expectations } of inputs) {
    for (const expectation of expectations) {
      it(`${input}: ${expectation.name}`, async () => {
        const issues: string[] = [];
        const path = `app/${input}`;
        const got = await poetryLockExtractor.extractFile({ path, bytes: readFileSync(join(dir, input)), mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
        expect(issues).toEqual([]);
        const want = expectedShape(expectation);
        want.edges = [...want.edges, ...(extraEdges[input] ?? [])].sort();
        expect(extractedShape(got, false)).toEqual(want);
        for (const p of got) expect(p).toMatchObject({ ecosystem: 'pypi', evidence: path, licenses: [], metadata: { kind: 'language', origin: 'declared' } });
      });
    }
  }
});
