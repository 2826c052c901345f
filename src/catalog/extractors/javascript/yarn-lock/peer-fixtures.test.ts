/**
 * Every case of ../shared/peer-fixtures/lang/yarn-lock (trivy's yarn parser tests), table-driven.
 * See ../testdata/trivy-lang.ts for what is compared.
 */
import { describe, expect, it } from 'vitest';
import { compareWithTrivy, runExtractor, trivyInputs, type Divergence } from '../testdata/trivy-lang.js';
import { yarnLockExtractor } from './index.js';

const { dir, inputs } = trivyInputs('yarn-lock');

const common: Divergence = {
  notComputed: {
    dev: 'a yarn.lock does not say which packages are dev-only (trivy reads package.json for that; its parser tests do not)',
    relationship: 'trivy does not assert it for yarn',
    resolved: 'trivy does not assert it for yarn',
  },
};

const divergences: Record<string, Divergence> = {
  'yarn_v2_happy.lock': {
    ...common,
    extra: {
      accept: (p) => p.name === 'fsevents' && p.version === '2.1.3',
      reason:
        'fsevents@patch:fsevents@npm%3A2.1.3 is the npm package fsevents 2.1.3 with a yarn compatibility patch; trivy drops patch: entries, grout reports the npm package underneath',
    },
  },
};

const issuesExpected: Record<string, RegExp> = {
  'yarn_with_bad_protocol.lock': /line 1: unknown protocol "unsupported" in "asap@unsupported:~2.0.6"; skipped/u,
};

describe('yarn-lock peer fixtures (trivy)', () => {
  it('covers every input', () => {
    expect(inputs.length).toBe(7);
  });

  describe.each(inputs.map((i) => [i.input, i] as const))('%s', (input, { expectations }) => {
    it.each(expectations.map((x) => [x.name, x] as const))('%s', async (_name, x) => {
      const { packages, issues } = await runExtractor(yarnLockExtractor, dir, input, 'srv/app/yarn.lock');
      const wantIssue = issuesExpected[input];
      if (wantIssue === undefined) expect(issues).toEqual([]);
      else expect(issues.some((i) => wantIssue.test(i)), issues.join('\n')).toBe(true);
      compareWithTrivy(packages, x, divergences[input] ?? common);
      for (const p of packages) expect(p.evidence).toBe('srv/app/yarn.lock');
    });
  });
});
