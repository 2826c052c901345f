import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../test/shared-data.js';
import { pep440Scheme } from './pep440.js';
import { opSign, readTable, sign } from '../../test/version-table.js';

interface Pep440Fixture {
  ordered: { versions: string[] };
  invalid: { versions: string[] };
  normalized: { cases: { version: string; normalized: string }[] };
  str: { cases: { version: string; expected: string }[] };
}

const fixture = JSON.parse(readFileSync(peerFixtures('version-compare', 'pep440.json'), 'utf8')) as Pep440Fixture;

describe('pep440: packaging test_version.py VERSIONS (every pair ascending)', () => {
  const versions = fixture.ordered.versions;
  const pairs = versions.flatMap((a, i) => versions.slice(i + 1).map((b) => [a, b] as const));
  it('has every pair', () => {
    expect(pairs.length).toBe((versions.length * (versions.length - 1)) / 2);
  });
  it.each(versions)('%j equals itself', (v) => {
    expect(pep440Scheme.isValid(v)).toBe(true);
    expect(pep440Scheme.compare(v, v)).toBe(0);
  });
  it.each(pairs)('%j < %j', (a, b) => {
    expect(sign(pep440Scheme.compare(a, b))).toBe(-1);
    expect(sign(pep440Scheme.compare(b, a))).toBe(1);
  });
});

describe('pep440: packaging invalid versions', () => {
  it.each(fixture.invalid.versions)('invalid %j', (v) => {
    expect(pep440Scheme.isValid(v)).toBe(false);
    expect(pep440Scheme.compare(v, '1.0')).toBeUndefined();
    expect(pep440Scheme.compare('1.0', v)).toBeUndefined();
  });
});

describe('pep440: packaging normalized / str (each spelling equals its normal form)', () => {
  const rows = [
    ...fixture.normalized.cases.map((c) => [c.version, c.normalized] as const),
    ...fixture.str.cases.map((c) => [c.version, c.expected] as const),
  ];
  it.each(rows)('%j = %j', (version, normal) => {
    expect(pep440Scheme.isValid(version)).toBe(true);
    expect(pep440Scheme.compare(version, normal)).toBe(0);
    expect(pep440Scheme.compare(normal, version)).toBe(0);
  });
});

/**
 * Deliberate divergence from osv-scalibr (semantic/version-pypi.go), which still orders packaging's pre-22.0
 * `LegacyVersion`s; PEP 440 and packaging >= 22 reject them (pep440.json `invalid`), so they are invalid here.
 */
function isLegacyRow(a: string, b: string): boolean {
  return !pep440Scheme.isValid(a) || !pep440Scheme.isValid(b);
}
const expected: Record<string, { rows: number; legacy: number }> = {
  'pypi-versions.txt': { rows: 37, legacy: 11 },
  // real PyPI histories with legacy versions such as 0.7.10p1, 4.11-final, 2013-01-21T20:33:09+0100, trunk
  'pypi-versions-generated.txt': { rows: 12375, legacy: 69 },
};

describe.each(['pypi-versions.txt', 'pypi-versions-generated.txt'])('pep440: vulndata %s (osv-scalibr)', (file) => {
  const rows = readTable(file);
  it('reads the table; only the known legacy rows are invalid', () => {
    expect(rows.length).toBe(expected[file]?.rows);
    expect(rows.filter((r) => isLegacyRow(r.a, r.b)).length).toBe(expected[file]?.legacy);
  });
  it.each(rows.map((r) => [r.line, r.a, r.op, r.b] as const))('line %i: %s %s %s', (_, a, op, b) => {
    if (isLegacyRow(a, b)) {
      expect(pep440Scheme.compare(a, b)).toBeUndefined();
      return;
    }
    const want = opSign[op] as number;
    expect(sign(pep440Scheme.compare(a, b))).toBe(want);
    expect(sign(pep440Scheme.compare(b, a))).toBe(-want + 0);
  });
});

describe('pep440: hostile input', () => {
  it('rejects a 10 kB version without throwing', () => {
    const long = `1.0+${'a'.repeat(10_000)}`;
    expect(pep440Scheme.isValid(long)).toBe(false);
    expect(pep440Scheme.compare(long, '1.0')).toBeUndefined();
  });
  it.each(['', ' ', '1.0\ufeff', '99999999999999999999.0', '1.0.post99999999999999999999', '1.0+99999999999999999999'])(
    'invalid %j',
    (v) => {
      expect(pep440Scheme.isValid(v)).toBe(false);
      expect(pep440Scheme.compare(v, '1.0')).toBeUndefined();
    },
  );
});
