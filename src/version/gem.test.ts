import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../test/shared-data.js';
import { gemCanonicalSegments, gemSatisfies, gemScheme } from './gem.js';
import { opSign, readTable, sign } from '../../test/version-table.js';

interface RubygemsFixture {
  compare: { a: string; b: string; expected?: number; expected_not?: number }[];
  invalid: string[];
  'parses_equal_to_1.0': string[];
  parses_to_0: string[];
  canonical_segments: { version: string; expected: (number | string)[] }[];
  range: { requirement: string[]; version: string; expected: boolean }[];
}

const fixture = JSON.parse(readFileSync(peerFixtures('version-compare', 'rubygems.json'), 'utf8')) as RubygemsFixture;

describe('gem: peer-fixtures rubygems.json compare', () => {
  it.each(fixture.compare.map((c) => [c.a, c.b, c] as const))('%j vs %j', (a, b, c) => {
    if (c.expected === undefined) {
      expect(gemScheme.compare(a, b)).not.toBe(0);
      expect(gemScheme.compare(a, b)).toBeDefined();
      return;
    }
    expect(sign(gemScheme.compare(a, b))).toBe(c.expected);
    expect(sign(gemScheme.compare(b, a))).toBe(-c.expected + 0);
  });
});

describe('gem: peer-fixtures rubygems.json invalid / parses_*', () => {
  it.each(fixture.invalid)('invalid %j', (v) => {
    expect(gemScheme.isValid(v)).toBe(false);
    expect(gemScheme.compare(v, '1.0')).toBeUndefined();
  });
  it.each(fixture['parses_equal_to_1.0'])('%j = 1.0', (v) => {
    expect(gemScheme.compare(v, '1.0')).toBe(0);
  });
  it.each(fixture.parses_to_0)('%j = 0', (v) => {
    expect(gemScheme.compare(v, '0')).toBe(0);
  });
});

describe('gem: peer-fixtures rubygems.json canonical_segments', () => {
  it.each(fixture.canonical_segments.map((c) => [c.version, c.expected] as const))('%s', (version, expected) => {
    expect(gemCanonicalSegments(version)).toEqual(expected.map((s) => (typeof s === 'number' ? BigInt(s) : s)));
  });
});

describe('gem: peer-fixtures rubygems.json range', () => {
  it.each(fixture.range.map((r) => [r.requirement, r.version, r.expected] as const))(
    '%j satisfied by %j → %s',
    (requirement, version, expected) => {
      expect(gemSatisfies(version, requirement)).toBe(expected);
    },
  );
});

/**
 * Deliberate divergences: osv-scalibr's table compares `1beta` and `1gamma`, which RubyGems rejects
 * (`Gem::Version.correct?("1beta")` is false: letters must follow a dot, see VERSION_PATTERN in
 * rubygems lib/rubygems/version.rb). We return undefined for them, as for any version RubyGems cannot read.
 */
const invalidInRubygems = new Set(['1beta', '1gamma']);

describe.each(['rubygems-versions.txt', 'rubygems-versions-generated.txt'])('gem: vulndata %s', (file) => {
  const rows = readTable(file);
  it('has vectors', () => {
    expect(rows.length).toBeGreaterThan(20);
  });
  it.each(rows.map((r) => [r.line, r.a, r.op, r.b] as const))('line %i: %s %s %s', (_line, a, op, b) => {
    if (invalidInRubygems.has(a) || invalidInRubygems.has(b)) {
      expect(gemScheme.compare(a, b)).toBeUndefined();
      return;
    }
    const expected = opSign[op] as number;
    expect(sign(gemScheme.compare(a, b))).toBe(expected);
    expect(sign(gemScheme.compare(b, a))).toBe(-expected + 0);
  });
});

describe('gem: hostile input', () => {
  it('rejects over-long and malformed versions without throwing', () => {
    expect(gemScheme.isValid('1.'.repeat(5_000) + '1')).toBe(false);
    expect(gemScheme.compare('1', '9'.repeat(10_000))).toBeUndefined();
    expect(gemScheme.isValid('1.0\u0000')).toBe(false);
    expect(gemSatisfies('1.0', ['>= junk'])).toBeUndefined();
    expect(gemSatisfies('1.0', ['>='])).toBeUndefined();
  });
  it('compares huge numbers exactly', () => {
    expect(gemScheme.compare('1.' + '9'.repeat(100), '1.' + '9'.repeat(99) + '8')).toBe(1);
  });
});
