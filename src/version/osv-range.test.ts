import { describe, expect, it } from 'vitest';
import { evaluateOsvAffected, type OsvAffectedVersions } from './osv-range.js';
import type { VersionScheme } from './version-scheme.js';

/** Dotted integers only: enough to pin the range rules independently of any ecosystem's quirks. */
const dotted: VersionScheme = {
  name: 'semver',
  isValid: (v) => /^\d+(\.\d+)*$/.test(v),
  compare(a, b) {
    if (!this.isValid(a) || !this.isValid(b)) return undefined;
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  },
};
const schemes = { ecosystem: dotted, semver: dotted };
const status = (v: string, a: OsvAffectedVersions): string => evaluateOsvAffected(v, a, schemes).status;

describe('evaluateOsvAffected', () => {
  const twoIntervals: OsvAffectedVersions = {
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2' }, { introduced: '2.0' }, { fixed: '2.3.1' }] }],
  };
  it.each([
    ['0.1', 'affected'],
    ['1.1.9', 'affected'],
    ['1.2', 'not-affected'],
    ['1.9', 'not-affected'],
    ['2.0', 'affected'],
    ['2.3.0', 'affected'],
    ['2.3.1', 'not-affected'],
    ['3', 'not-affected'],
  ])('introduced/fixed intervals: %s is %s', (v, want) => expect(status(v, twoIntervals)).toBe(want));

  it('treats last_affected as inclusive and an open introduced as unfixed', () => {
    const a: OsvAffectedVersions = { ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0' }, { last_affected: '1.4' }] }] };
    expect(status('1.4', a)).toBe('affected');
    expect(status('1.4.1', a)).toBe('not-affected');
    expect(status('0.9', a)).toBe('not-affected');
    const open: OsvAffectedVersions = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '5' }] }] };
    expect(evaluateOsvAffected('7', open, schemes)).toMatchObject({ status: 'affected', matched: 'introduced 5, not fixed' });
  });

  it('sorts events that are listed out of order, and honours limit', () => {
    const a: OsvAffectedVersions = { ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '2' }, { introduced: '1' }, { limit: '1.5' }] }] };
    expect(status('1.2', a)).toBe('affected');
    expect(status('1.6', a)).toBe('not-affected');
  });

  it('matches an explicit versions list and strips a v for SEMVER ranges', () => {
    expect(status('3.1', { versions: ['3.0', '3.1'] })).toBe('affected');
    const go: OsvAffectedVersions = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.8.1' }] }] };
    expect(status('v1.8.0', go)).toBe('affected');
    expect(status('v1.8.1', go)).toBe('not-affected');
  });

  it('says unknown instead of guessing when a version cannot be read, and ignores GIT ranges', () => {
    expect(evaluateOsvAffected('banana', twoIntervals, schemes)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('banana') });
    const badEvent: OsvAffectedVersions = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'x-y' }] }] };
    expect(status('1', badEvent)).toBe('unknown');
    const git: OsvAffectedVersions = { ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }, { fixed: 'def' }] }] };
    expect(status('1', git)).toBe('not-affected');
  });

  it('reports the fixed versions', () => {
    expect(evaluateOsvAffected('1.0', twoIntervals, schemes)).toEqual({ status: 'affected', matched: 'introduced 0, fixed 1.2', fixed: ['1.2', '2.3.1'] });
  });
});
