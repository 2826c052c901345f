import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../test/shared-data.js';
import { goCanonical, goPseudoVersionBase, goPseudoVersionRev, goScheme, isGoPseudoVersion } from './go.js';

interface GoSemverFixture {
  canonical: { in: string; canonical: string }[];
  sorted: string[];
  compare: { a: string; b: string; expected: number }[];
  pseudo_versions: {
    cases: { major: string; older: string; version: string }[];
    invalid_base: string[];
  };
}

const fixture = JSON.parse(readFileSync(peerFixtures('version-compare', 'go-semver.json'), 'utf8')) as GoSemverFixture;

function sign(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.sign(n) + 0;
}

describe('go: golang.org/x/mod/semver canonical', () => {
  it.each(fixture.canonical.map((c) => [c.in, c.canonical] as const))('%j → %j', (input, canonical) => {
    expect(goScheme.isValid(input)).toBe(canonical !== '');
    expect(goCanonical(input)).toBe(canonical === '' ? undefined : canonical);
  });
});

describe('go: golang.org/x/mod/semver compare (full cross product)', () => {
  /**
   * Deliberate divergence from the Go API: `semver.Compare` ranks invalid versions equal to each other and below
   * every valid one; the VersionScheme contract returns undefined instead, so callers report `unknown`.
   */
  it.each(fixture.compare.map((c) => [c.a, c.b, c.expected] as const))('%j vs %j → %i', (a, b, expected) => {
    if (!goScheme.isValid(a) || !goScheme.isValid(b)) {
      expect(goScheme.compare(a, b)).toBeUndefined();
      const validity = (goScheme.isValid(a) ? 1 : 0) - (goScheme.isValid(b) ? 1 : 0);
      expect(validity).toBe(expected); // what Go would have answered
      return;
    }
    expect(sign(goScheme.compare(a, b))).toBe(expected);
    expect(sign(goScheme.compare(b, a))).toBe(-expected + 0);
  });
});

describe('go: golang.org/x/mod/semver sort golden list', () => {
  it('sorts the valid inputs into the golden order (ties by string, as semver.Sort)', () => {
    const inputs = fixture.canonical.map((c) => c.in).filter((v) => goScheme.isValid(v));
    const byVersionThenString = (a: string, b: string): number =>
      (goScheme.compare(a, b) as number) || (a < b ? -1 : a > b ? 1 : 0);
    const sorted = [...inputs].reverse().sort(byVersionThenString);
    expect(sorted).toEqual(fixture.sorted.filter((v) => goScheme.isValid(v)));
    expect(fixture.sorted.filter((v) => !goScheme.isValid(v))).toHaveLength(8);
  });
});

describe('go: golang.org/x/mod/module pseudo-versions', () => {
  it.each(fixture.pseudo_versions.cases.map((c) => [c.version, c.older] as const))('%j from %j', (version, older) => {
    expect(goScheme.isValid(version)).toBe(true);
    expect(isGoPseudoVersion(version)).toBe(true);
    if (older !== '') expect(isGoPseudoVersion(older)).toBe(false);
    expect(goPseudoVersionBase(version)).toBe(older);
    expect(goPseudoVersionRev(version)).toBe('hash');
    // a pseudo-version sorts after the tag it was derived from
    if (older !== '') expect(sign(goScheme.compare(version, older))).toBe(1);
  });
  it.each(fixture.pseudo_versions.invalid_base)('no base for %j', (version) => {
    expect(goPseudoVersionBase(version)).toBeUndefined();
  });
});

describe('go: module versions in practice', () => {
  it.each([
    ['v2.0.0+incompatible', 'v2.0.0', 0],
    ['v2.0.1-0.20191109021931-daa7c04131f5+incompatible', 'v2.0.0+incompatible', 1],
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-000000000000', -1],
    ['v1.19.0-0', 'v1.19.0', -1],
    ['v1.2.99999999999999999', 'v1.2.100000000000000000', -1],
  ] as const)('%j vs %j → %i', (a, b, expected) => {
    expect(sign(goScheme.compare(a, b))).toBe(expected);
    expect(sign(goScheme.compare(b, a))).toBe(-expected + 0);
  });
  const invalid = ['1.2.3', 'V1.2.3', 'v01.2.3', 'v1.02.3', 'v1.2.03', 'v1.2.3-01', 'v1.2.3-', 'v1.2.3+'];
  it.each([...invalid, 'v1.2.3-a..b', ' v1.2.3', 'v1.2.3\n'])('invalid %j', (v) => {
    expect(goScheme.isValid(v)).toBe(false);
    expect(goScheme.compare(v, 'v1.0.0')).toBeUndefined();
  });
  it('rejects a 10 kB version without throwing', () => {
    const long = `v1.0.0-${'a'.repeat(10_000)}`;
    expect(goScheme.isValid(long)).toBe(false);
    expect(goScheme.compare(long, 'v1.0.0')).toBeUndefined();
    expect(isGoPseudoVersion(long)).toBe(false);
    expect(goPseudoVersionBase(long)).toBeUndefined();
  });
});
