import { describe, expect, it } from 'vitest';
import { composerScheme } from './composer.js';
import { opSign, readTable, sign } from '../../test/version-table.js';

const expectedRows: Record<string, number> = {
  'packagist-versions.txt': 95,
  'packagist-versions-generated.txt': 10630,
};

describe.each(Object.keys(expectedRows))('composer: vulndata %s (osv-scalibr)', (file) => {
  const rows = readTable(file);
  it('reads every row', () => {
    expect(rows.length).toBe(expectedRows[file]);
  });
  it.each(rows.map((r) => [r.line, r.a, r.op, r.b] as const))('line %i: %s %s %s', (_, a, op, b) => {
    const want = opSign[op] as number;
    expect(sign(composerScheme.compare(a, b))).toBe(want);
    expect(sign(composerScheme.compare(b, a))).toBe(-want + 0);
  });
});

describe('composer: PHP version_compare and Composer spellings', () => {
  it.each([
    ['1.0.0-beta1', '1.0.0-BETA1', 1], // only `RC` is matched in upper case, as in PHP
    ['1.0.0-alpha', '1.0.0-a', 0],
    ['1.0.0-patch1', '1.0.0', 1],
    ['1.0.0.0', '1.0.0', 1],
    ['v2.3.4', '2.3.4', 0],
    ['2.3.4', '02.3.4', 0],
    ['1.0-foo', '1.0-dev', 0], // unknown words weigh as `dev` (osv-scalibr; PHP ranks them lower still)
    ['123456789012345678901234567890.1', '123456789012345678901234567890.0', 1],
  ] as const)('%j vs %j → %i', (a, b, expected) => {
    expect(sign(composerScheme.compare(a, b))).toBe(expected);
    expect(sign(composerScheme.compare(b, a))).toBe(-expected + 0);
  });
});

describe('composer: hostile input', () => {
  it.each(['', ' ', '1.0 ', '1.0\n', '1.\u00e9', '\u0000'])('invalid %j', (v) => {
    expect(composerScheme.isValid(v)).toBe(false);
    expect(composerScheme.compare(v, '1.0')).toBeUndefined();
  });
  it('rejects a 10 kB version without throwing', () => {
    const long = '1.'.repeat(5_000);
    expect(composerScheme.isValid(long)).toBe(false);
    expect(composerScheme.compare(long, '1.0')).toBeUndefined();
  });
  it('compares the longest accepted versions quickly', () => {
    const a = 'a'.repeat(256);
    const b = '#.'.repeat(127) + 'a';
    expect(composerScheme.compare(a, b)).toBeDefined();
    expect(composerScheme.compare('1', '1' + '.#'.repeat(127))).toBe(0);
  });
});
