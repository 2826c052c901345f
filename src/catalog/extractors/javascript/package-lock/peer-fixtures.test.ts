/**
 * Every case of ../shared/peer-fixtures/lang/npm-package-lock (trivy's npm parser tests), table-driven.
 * See ../testdata/trivy-lang.ts for what is compared.
 */
import { describe, expect, it } from 'vitest';
import { compareWithTrivy, runExtractor, trivyInputs, type Divergence } from '../testdata/trivy-lang.js';
import { packageLockExtractor } from './index.js';

const { dir, inputs } = trivyInputs('npm-package-lock');

const divergences: Record<string, Divergence> = {
  'package-lock_v3_with_workspace.json': {
    skip: {
      function1:
        'the workspace functions/func1 declares no version; trivy reports it without one, grout skips a package without a version (with an issue)',
    },
  },
  'package-lock_v3_with_workspace_as_object.json': {
    fields: {
      'testapp@1.0.0': {
        dependsOn:
          'the workspace testapp declares lodash and node_modules/lodash is installed; trivy records no edge when "workspaces" is an object, grout records testapp → lodash',
      },
    },
  },
};

/** Cases whose input legitimately yields issues. */
const issuesExpected: Record<string, RegExp> = {
  'package-lock_v3_with_workspace.json': /package "function1" at "functions\/func1" has no version/u,
  'package-lock_v3_broken_link.json': /link "node_modules\/func1" points to nothing, which the lockfile does not describe/u,
};

describe('npm-package-lock peer fixtures (trivy)', () => {
  it('covers every input', () => {
    expect(inputs.length).toBe(10);
  });

  describe.each(inputs.map((i) => [i.input, i] as const))('%s', (input, { expectations }) => {
    it.each(expectations.map((x) => [x.name, x] as const))('%s', async (_name, x) => {
      const { packages, issues } = await runExtractor(packageLockExtractor, dir, input, `app/${input.replace(/^.*$/u, 'package-lock.json')}`);
      const wantIssue = issuesExpected[input];
      if (wantIssue === undefined) expect(issues).toEqual([]);
      else expect(issues.some((i) => wantIssue.test(i)), issues.join('\n')).toBe(true);
      compareWithTrivy(packages, x, divergences[input]);
      for (const p of packages) expect(p.evidence).toBe('app/package-lock.json');
    });
  });

  it('reads v1, v2 and v3 of the same project alike (apart from what v1 does not record)', async () => {
    const strip = (list: Awaited<ReturnType<typeof runExtractor>>['packages']) =>
      list.map((p) => ({ ...p, metadata: { ...p.metadata, direct: undefined } }));
    const [v1, v2, v3] = await Promise.all(
      ['package-lock_v1.json', 'package-lock_v2.json', 'package-lock_v3.json'].map((f) => runExtractor(packageLockExtractor, dir, f, 'package-lock.json')),
    );
    expect(strip(v2!.packages)).toEqual(strip(v1!.packages));
    expect(v3!.packages).toEqual(v2!.packages);
  });
});
