import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../test/shared-data.js';
import { semverSatisfies, semverScheme } from './semver.js';
import { opSign, readTable, sign } from '../../test/version-table.js';

type Options = boolean | { loose?: boolean; includePrerelease?: boolean } | undefined;
interface Cases<T> {
  cases: T[];
}
interface NodeSemverFixture {
  comparisons: Cases<{ a: string; b: string; options?: Options }>;
  equality: Cases<{ a: string; b: string; options?: Options }>;
  valid_versions: Cases<{ version: string }>;
  invalid_versions: Cases<{ value: string; reason: string; options?: Options }>;
  range_include: Cases<{ range: string; version: string; options?: Options }>;
  range_exclude: Cases<{ range: string; version: string; options?: Options }>;
  invalid_ranges: Cases<{ range: string; version: string; options?: Options }>;
}

const fixture = JSON.parse(
  readFileSync(peerFixtures('version-compare', 'node-semver.json'), 'utf8'),
) as NodeSemverFixture;

/** Upstream passes `true` for `{loose: true}`. */
function toOptions(options: Options): { loose?: boolean; includePrerelease?: boolean } {
  if (options === undefined || options === false) return {};
  if (options === true) return { loose: true };
  return options;
}

describe('semver: node-semver comparisons.js (a > b)', () => {
  it.each(fixture.comparisons.cases.map((c) => [c.a, c.b] as const))('%j > %j', (a, b) => {
    expect(sign(semverScheme.compare(a, b))).toBe(1);
    expect(sign(semverScheme.compare(b, a))).toBe(-1);
  });
});

describe('semver: node-semver equality.js', () => {
  it.each(fixture.equality.cases.map((c) => [c.a, c.b] as const))('%j = %j', (a, b) => {
    expect(semverScheme.compare(a, b)).toBe(0);
    expect(semverScheme.compare(b, a)).toBe(0);
  });
});

describe('semver: node-semver valid / invalid versions', () => {
  it.each(fixture.valid_versions.cases.map((c) => c.version))('valid %j', (v) => {
    expect(semverScheme.isValid(v)).toBe(true);
    expect(semverScheme.compare(v, v)).toBe(0);
  });
  it.each(fixture.invalid_versions.cases.map((c) => [c.reason, c.value] as const))('invalid (%s) %j', (_, v) => {
    expect(semverScheme.isValid(v)).toBe(false);
    expect(semverScheme.compare(v, '1.0.0')).toBeUndefined();
    expect(semverScheme.compare('1.0.0', v)).toBeUndefined();
  });
});

describe('semver: node-semver range vectors through semverSatisfies', () => {
  it.each(fixture.range_include.cases.map((c) => [c.version, c.range, c.options] as const))(
    '%j satisfies %j (%j)',
    (version, range, options) => {
      expect(semverSatisfies(version, range, toOptions(options))).toBe(true);
    },
  );
  it.each(fixture.range_exclude.cases.map((c) => [c.version, c.range, c.options] as const))(
    '%j does not satisfy %j (%j)',
    (version, range, options) => {
      expect(semverSatisfies(version, range, toOptions(options))).toBe(false);
    },
  );
  it.each(fixture.invalid_ranges.cases.map((c) => [c.version, c.range, c.options] as const))(
    '%j vs invalid range %j (%j)',
    (version, range, options) => {
      expect(semverSatisfies(version, range, toOptions(options))).toBe(false);
    },
  );
});

/**
 * Deliberate divergences from osv-scalibr's lenient semver (semantic/version-semver.go), which reads any number of
 * components and numbers of any size. node-semver, whose semantics npm and this scheme follow, rejects both:
 * test/fixtures/invalid-versions.js (numbers above MAX_SAFE_INTEGER) and the three-component grammar.
 */
const scalibrOnly = new Set([
  '1.1.3.4.5',
  '999999999999999999999999999991',
  '999999999999999999999999999999',
  '999999999999999999999999999991.999999999999999999999999999991.999999999999999999999999999991',
  '999999999999999999999999999999.999999999999999999999999999991.999999999999999999999999999991',
]);

describe('semver: vulndata semver-versions.txt (osv-scalibr)', () => {
  const rows = readTable('semver-versions.txt');
  it('has every row', () => {
    expect(rows.length).toBe(86);
  });
  it.each(rows.map((r) => [r.line, r.a, r.op, r.b] as const))('line %i: %s %s %s', (_, a, op, b) => {
    if (scalibrOnly.has(a) || scalibrOnly.has(b)) {
      expect(semverScheme.compare(a, b)).toBeUndefined();
      return;
    }
    const expected = opSign[op] as number;
    expect(sign(semverScheme.compare(a, b))).toBe(expected);
    expect(sign(semverScheme.compare(b, a))).toBe(-expected + 0);
  });
});

describe('semver: hostile input', () => {
  it('rejects a 10 kB version without throwing', () => {
    const long = `1.0.0-${'a'.repeat(10_000)}`;
    expect(semverScheme.isValid(long)).toBe(false);
    expect(semverScheme.compare(long, '1.0.0')).toBeUndefined();
    expect(semverSatisfies(long, '*')).toBe(false);
    expect(semverSatisfies('1.0.0', '>'.repeat(10_000))).toBe(false);
  });
  it.each(['', ' ', '1', '1.2', 'a.b.c', '1.2.3+', '\u0000'])('invalid %j', (v) => {
    expect(semverScheme.isValid(v)).toBe(false);
  });
});
