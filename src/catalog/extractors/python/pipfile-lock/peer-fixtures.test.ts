/** Every case of ../shared/peer-fixtures/lang/pipfile-lock (trivy's pipenv parser tests). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { expectedShape, extractedShape, readExpected } from '../lock-expectations.js';
import { pipfileLockExtractor } from './index.js';

const dir = peerFixtures('lang', 'pipfile-lock', 'trivy');
const inputs = readExpected(dir);

describe('peer fixtures: lang/pipfile-lock', () => {
  it('covers every input', () => expect(inputs.length).toBe(3));
  for (const { input, expectations } of inputs) {
    for (const expectation of expectations) {
      it(`${input}: ${expectation.name}`, async () => {
        const issues: string[] = [];
        const path = `srv/app/${input}`;
        const got = await pipfileLockExtractor.extractFile({ path, bytes: readFileSync(join(dir, input)), mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
        expect(issues).toEqual([]);
        expect(extractedShape(got, false)).toEqual(expectedShape(expectation));
        for (const p of got) expect(p).toEqual({ ecosystem: 'pypi', name: p.name, version: p.version, evidence: path, licenses: [], metadata: { kind: 'language', origin: 'declared' } });
      });
    }
  }
});
