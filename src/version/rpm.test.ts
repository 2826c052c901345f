import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../test/shared-data.js';
import { opSign, readTable, sign } from '../../test/version-table.js';
import { parseRpmVersion, rpmScheme, rpmVersionCompare, type RpmVersion } from './rpm.js';

interface Compare {
  a: string;
  b: string;
  expected: number;
}

interface RpmFixture {
  compare: Compare[];
  compare_evr: Compare[];
  compare_generated: { cases: Compare[] };
  documented_oddities: Compare[];
  parse: { input: string; epoch: number; version: string; release: string }[];
}

const fixture = JSON.parse(readFileSync(peerFixtures('version-compare', 'rpm.json'), 'utf8')) as RpmFixture;

/** Every row in both directions; one test per table keeps the 4,489 generated rows fast, failures are listed. */
function checkAll(rows: readonly Compare[], cmp: (a: string, b: string) => number | undefined): string[] {
  const failures: string[] = [];
  for (const { a, b, expected } of rows) {
    const forward = sign(cmp(a, b));
    const backward = sign(cmp(b, a));
    if (forward !== expected || backward !== -expected + 0) failures.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${forward}/${backward}, want ${expected}`);
  }
  return failures;
}

describe('rpm: peer-fixtures rpm.json bare rpmvercmp', () => {
  it.each(fixture.compare.map((c) => [c.a, c.b, c.expected] as const))('%j vs %j → %i', (a, b, expected) => {
    expect(sign(rpmVersionCompare(a, b))).toBe(expected);
    expect(sign(rpmVersionCompare(b, a))).toBe(-expected + 0);
  });
  it(`compare_generated (${fixture.compare_generated.cases.length} cases)`, () => {
    expect(fixture.compare_generated.cases.length).toBeGreaterThan(4000);
    expect(checkAll(fixture.compare_generated.cases, rpmVersionCompare)).toEqual([]);
  });
  it('documented_oddities (commented out upstream; rpm 4.18 gives these results)', () => {
    expect(fixture.documented_oddities.length).toBe(12);
    expect(checkAll(fixture.documented_oddities, rpmVersionCompare)).toEqual([]);
  });
  it('the scheme agrees with rpmvercmp on every compare row without an epoch or release', () => {
    const plain = fixture.compare.filter((c) => !/[-:]/.test(c.a + c.b));
    expect(plain.length).toBeGreaterThan(80);
    expect(checkAll(plain, (a, b) => rpmScheme.compare(a, b))).toEqual([]);
  });
});

describe('rpm: peer-fixtures rpm.json compare_evr', () => {
  it.each(fixture.compare_evr.map((c) => [c.a, c.b, c.expected] as const))('%j vs %j → %i', (a, b, expected) => {
    expect(sign(rpmScheme.compare(a, b))).toBe(expected);
    expect(sign(rpmScheme.compare(b, a))).toBe(-expected + 0);
  });
});

/**
 * Deliberate divergences from the `parse` table, which is go-rpm-version's `NewVersion`: it splits the release at the
 * first `-`, reads a non-numeric or negative epoch as an epoch, and accepts blanks. rpm (lib/rpmver.c `rpmverParse`)
 * splits at the last `-` and takes an epoch only from leading digits followed by `:` (OSV's redhat-versions.txt
 * relies on that: `a:1 < b:1`); whitespace, control characters and an empty version are invalid here.
 */
const rpmParse: Record<string, RpmVersion | undefined> = {
  '0:0-0-0': { epoch: '0', version: '0-0', release: '0' },
  '0:0-0-0-0': { epoch: '0', version: '0-0-0', release: '0' },
  '0:0:0-0-0': { epoch: '0', version: '0:0-0', release: '0' },
  '0:0-0:0-0': { epoch: '0', version: '0-0:0', release: '0' },
  '  \t0:0-1': undefined,
  '0:0-1  \t': undefined,
  '\t  0:0-1  \t': undefined,
  '': undefined,
  ' ': undefined,
  '0:': undefined,
  '0:0 0-1': undefined,
  '-1:0-1': { epoch: '0', version: '-1:0', release: '1' },
  'a:0-0': { epoch: '0', version: 'a:0', release: '0' },
  'A:1-2': { epoch: '0', version: 'A:1', release: '2' },
  'A:1.2.3': { epoch: '0', version: 'A:1.2.3', release: undefined },
  '-1:1.2.3': undefined,
};

describe('rpm: peer-fixtures rpm.json parse', () => {
  it.each(fixture.parse.map((p) => [p.input, p] as const))('parse %j', (input, p) => {
    if (Object.hasOwn(rpmParse, input)) {
      expect(parseRpmVersion(input)).toEqual(rpmParse[input]);
      return;
    }
    const parsed = parseRpmVersion(input);
    expect(parsed).toBeDefined();
    expect({ epoch: Number(parsed?.epoch), version: parsed?.version, release: parsed?.release ?? '' }).toEqual({
      epoch: p.epoch,
      version: p.version,
      release: p.release,
    });
  });
});

describe('rpm: vulndata redhat-versions.txt', () => {
  const rows = readTable('redhat-versions.txt');
  it('has vectors', () => {
    expect(rows.length).toBeGreaterThan(100);
  });
  it.each(rows.map((r) => [r.line, r.a, r.op, r.b] as const))('line %i: %s %s %s', (_line, a, op, b) => {
    const expected = opSign[op] as number;
    expect(sign(rpmScheme.compare(a, b))).toBe(expected);
    expect(sign(rpmScheme.compare(b, a))).toBe(-expected + 0);
  });
});

describe('rpm: hostile input', () => {
  it('rejects over-long and malformed versions without throwing', () => {
    expect(rpmScheme.isValid('1.'.repeat(5_000) + '1')).toBe(false);
    expect(rpmScheme.compare('1', '9'.repeat(10_000))).toBeUndefined();
    expect(rpmScheme.isValid('1.0\u0000')).toBe(false);
    expect(rpmScheme.isValid('-1')).toBe(false);
  });
  it('compares huge numbers and epochs exactly', () => {
    expect(rpmScheme.compare('1.' + '9'.repeat(100), '1.' + '9'.repeat(99) + '8')).toBe(1);
    expect(rpmScheme.compare('99999999999999999999:1', '99999999999999999998:2')).toBe(1);
  });
});
