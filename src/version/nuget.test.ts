import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../test/shared-data.js';
import { nugetSatisfies, nugetScheme, parseNuGetRange, parseNuGetVersion } from './nuget.js';
import { opSign, readTable, sign } from '../../test/version-table.js';

interface NuGetFixture {
  compare: { a: string; b: string; expected?: number; expected_not?: number }[];
  range: { range: string; version: string; expected: boolean }[];
  range_parse: { range: string; min: string | null; isMinInclusive: boolean; max: string | null; isMaxInclusive: boolean }[];
  range_invalid: string[];
  version_parse: { input: string; version: string; release: string }[];
  invalid: string[];
}

const fixture = JSON.parse(readFileSync(peerFixtures('version-compare', 'nuget.json'), 'utf8')) as NuGetFixture;

describe('nuget: peer-fixtures nuget.json compare', () => {
  it.each(fixture.compare.map((c) => [c.a, c.b, c] as const))('%j vs %j', (a, b, c) => {
    if (c.expected === undefined) {
      // upstream compares the raw strings here; the parsed versions differ too
      expect(nugetScheme.compare(a, b)).toBeDefined();
      expect(nugetScheme.compare(a, b)).not.toBe(0);
      return;
    }
    expect(sign(nugetScheme.compare(a, b))).toBe(c.expected);
    expect(sign(nugetScheme.compare(b, a))).toBe(-c.expected + 0);
  });
});

describe('nuget: peer-fixtures nuget.json invalid', () => {
  it.each(fixture.invalid)('%j', (v) => {
    expect(nugetScheme.isValid(v)).toBe(false);
    expect(nugetScheme.compare(v, '1.0.0')).toBeUndefined();
  });
});

describe('nuget: peer-fixtures nuget.json version_parse', () => {
  it.each(fixture.version_parse.map((c) => [c.input, c.version, c.release] as const))('%j', (input, version, release) => {
    const parsed = parseNuGetVersion(input);
    expect(parsed?.parts.join('.')).toBe(version);
    expect(parsed?.releaseLabels.join('.')).toBe(release);
  });
});

describe('nuget: peer-fixtures nuget.json range', () => {
  it.each(fixture.range.map((c) => [c.range, c.version, c.expected] as const))('%j ∋ %j → %s', (range, version, expected) => {
    expect(nugetSatisfies(range, version)).toBe(expected);
  });
  it.each(fixture.range_parse.map((c) => [c.range, c] as const))('parse %j', (range, c) => {
    const parsed = parseNuGetRange(range);
    expect(parsed).toBeDefined();
    const same = (got: ReturnType<typeof parseNuGetVersion>, want: string | null): void => {
      if (want === null) expect(got).toBeUndefined();
      else expect(got === undefined ? undefined : nugetScheme.compare(want, `${got.parts.join('.')}`)).toBe(0);
    };
    same(parsed?.min, c.min);
    same(parsed?.max, c.max);
    expect(parsed?.minInclusive).toBe(c.isMinInclusive);
    expect(parsed?.maxInclusive).toBe(c.isMaxInclusive);
  });
  it.each(fixture.range_invalid)('invalid %j', (range) => {
    expect(parseNuGetRange(range)).toBeUndefined();
  });
});

/**
 * Deliberate divergence: osv-scalibr's table compares 30-digit numbers, which NuGet rejects (each part is an
 * Int32; NuGet.Client NuGetVersionTest lists `10000000000000000000` and `1.2147483648` as invalid, see the
 * `invalid` rows of nuget.json). We return undefined for them.
 */
const tooLargeForNuGet = /[0-9]{11,}/;

describe('nuget: vulndata nuget-versions.txt', () => {
  const rows = readTable('nuget-versions.txt');
  it('has vectors', () => {
    expect(rows.length).toBeGreaterThan(30);
  });
  it.each(rows.map((r) => [r.line, r.a, r.op, r.b] as const))('line %i: %s %s %s', (_line, a, op, b) => {
    if (tooLargeForNuGet.test(a) || tooLargeForNuGet.test(b)) {
      expect(nugetScheme.compare(a, b)).toBeUndefined();
      return;
    }
    const expected = opSign[op] as number;
    expect(sign(nugetScheme.compare(a, b))).toBe(expected);
    expect(sign(nugetScheme.compare(b, a))).toBe(-expected + 0);
  });
});

describe('nuget: hostile input', () => {
  it('rejects over-long and malformed input without throwing', () => {
    expect(nugetScheme.isValid('1.0.0-' + 'a'.repeat(10_000))).toBe(false);
    expect(nugetScheme.isValid('1.0.0-a.' + '9'.repeat(400))).toBe(true);
    // too big for Int32, so a text label: ordinal-ignore-case puts '9' before 'A'
    expect(nugetScheme.compare('1.0.0-' + '9'.repeat(400), '1.0.0-a')).toBe(-1);
    expect(nugetScheme.compare('1.0.0-' + '9'.repeat(400), '1.0.0-1')).toBe(1);
    expect(nugetSatisfies('[' + '1,'.repeat(5000) + ']', '1.0')).toBeUndefined();
    expect(nugetSatisfies('[1.0,2.0)', 'x')).toBeUndefined();
  });
});
