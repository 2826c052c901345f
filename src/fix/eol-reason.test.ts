import { describe, expect, it } from 'vitest';
import { endOfLifeText, withEndOfLifeReason } from './eol-reason.js';

const noCandidate = { package: 'libssl1.1:amd64', reason: 'no repository offers libssl1.1 built from openssl >= 1.1.1w-0+deb11u2 (the highest offered is 1.1.1w-0+deb11u1; installed 1.1.1n-0+deb11u3)' };
const other = { package: 'x', reason: 'x:amd64 breaks y:amd64 (y (<< 2)) and no repository has a version of y it accepts' };

describe('end-of-life reason', () => {
  it('names the end date when support ended and no extended support runs', () => {
    const eol = { product: 'debian', cycle: '10', eol: '2022-09-10', ended: true, extendedUntil: '2024-06-30', extendedEnded: true };
    expect(endOfLifeText(eol)).toBe('end-of-life release (support ended 2022-09-10)');
    expect(withEndOfLifeReason([noCandidate, other], eol)).toEqual([{ ...noCandidate, reason: `end-of-life release (support ended 2022-09-10): ${noCandidate.reason}` }, other]);
  });

  it('says nothing while the release is supported, or while extended support runs', () => {
    expect(endOfLifeText({ product: 'debian', cycle: '12', eol: '2026-06-10', ended: false })).toBeUndefined();
    expect(endOfLifeText({ product: 'debian', cycle: '11', eol: '2024-08-14', ended: true, extendedUntil: '2026-08-31', extendedEnded: false })).toBeUndefined();
    expect(endOfLifeText(undefined)).toBeUndefined();
    expect(withEndOfLifeReason([noCandidate], undefined)).toEqual([noCandidate]);
  });

  it('has no date to give when the data says only "ended"', () => {
    expect(endOfLifeText({ product: 'ubuntu', cycle: '18.04', eol: true, ended: true })).toBe('end-of-life release (support ended)');
  });
});
