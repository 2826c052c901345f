/**
 * Every case of ../shared/peer-fixtures/lang/pnpm-lock (trivy's pnpm parser tests), table-driven.
 * See ../testdata/trivy-lang.ts for what is compared.
 */
import { describe, expect, it } from 'vitest';
import { compareWithTrivy, runExtractor, trivyInputs, type Divergence } from '../testdata/trivy-lang.js';
import { pnpmLockExtractor } from './index.js';

const { dir, inputs } = trivyInputs('pnpm-lock');

const devOnlyExtras: Divergence = {
  extra: {
    accept: (p) => p.metadata?.kind === 'language' && p.metadata.dev === true,
    reason: 'trivy leaves out packages a v5/v6 lockfile marks `dev: true`; grout reports them with dev: true',
  },
};

const divergences: Record<string, Divergence> = {
  'pnpm-lock_with_dev.yaml': devOnlyExtras,
  'pnpm-lock_v6_with_dev.yaml': devOnlyExtras,
  'pnpm-lock_many.yaml': devOnlyExtras,
  'pnpm-lock_v9.yaml': {
    skip: {
      'package1@file:package1':
        'a local directory dependency whose entry records no version; trivy reports it without one, grout skips a package without a version (with an issue)',
    },
  },
};

const issuesExpected: Record<string, RegExp> = {
  'pnpm-lock_v9.yaml': /package "package1" \("package1@file:package1"\) has no version; skipped/u,
};

describe('pnpm-lock peer fixtures (trivy)', () => {
  it('covers every input', () => {
    expect(inputs.length).toBe(11);
  });

  describe.each(inputs.map((i) => [i.input, i] as const))('%s', (input, { expectations }) => {
    it.each(expectations.map((x) => [x.name, x] as const))('%s', async (_name, x) => {
      const { packages, issues } = await runExtractor(pnpmLockExtractor, dir, input, 'app/pnpm-lock.yaml');
      const wantIssue = issuesExpected[input];
      if (wantIssue === undefined) expect(issues).toEqual([]);
      else expect(issues.some((i) => wantIssue.test(i)), issues.join('\n')).toBe(true);
      compareWithTrivy(packages, x, divergences[input]);
      for (const p of packages) expect(p.evidence).toBe('app/pnpm-lock.yaml');
    });
  });
});
