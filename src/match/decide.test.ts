import { describe, expect, it } from 'vitest';
import type { Advisory, AffectedPackage } from '../vulndb/advisory.js';
import type { AffectedRow } from '../vulndb/store.js';
import { decide } from './decide.js';
import type { PackageQuery } from './queries.js';
import { pkg } from './testdata/packages.js';

const libc6 = pkg({ ecosystem: 'deb', name: 'libc6', version: '2.35-0ubuntu3.6', source: { name: 'glibc' } });
const query: PackageQuery = { ecosystem: 'Ubuntu:22.04:LTS', name: 'glibc', version: '2.35-0ubuntu3.6', scheme: 'deb' };

const row = (affected: Partial<AffectedPackage>, kind: Advisory['kind'] = 'vulnerability'): AffectedRow => {
  const entry: AffectedPackage = { ecosystem: 'Ubuntu:22.04:LTS', name: 'glibc', status: 'affected', ranges: [], versions: [], ...affected };
  return { advisory: { id: 'X-1', aliases: [], related: [], feed: 'f', kind, severity: [], references: [], cwes: [], affected: [entry] }, affected: entry };
};
const verdicts = (r: AffectedRow, options = {}) => decide(libc6, query, [r], options).map((v) => ({ kind: v.kind, ...('matched' in v ? { matched: v.matched } : {}), ...('reason' in v ? { reason: v.reason } : {}) }));

describe('decide', () => {
  it('affected: the ranges decide', () => {
    expect(verdicts(row({ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.35-0ubuntu3.7' }] }] }))).toEqual([{ kind: 'affected', matched: 'introduced 0, fixed 2.35-0ubuntu3.7' }]);
    expect(verdicts(row({ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.35-0ubuntu3.6' }] }] }))).toEqual([]);
  });

  it('distro statuses affect every version, unless ranges say otherwise', () => {
    for (const status of ['unfixed', 'will-not-fix', 'end-of-life', 'unimportant'] as const) {
      expect(verdicts(row({ status }))).toEqual([{ kind: 'affected', matched: status }]);
      expect(verdicts(row({ status, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.36' }] }] }))).toEqual([]);
    }
  });

  it('not-affected is returned for the triage rule, never as a finding', () => {
    expect(verdicts(row({ status: 'not-affected', note: 'code not built' }))).toEqual([{ kind: 'not-affected', reason: 'code not built' }]);
  });

  it('Ubuntu binaries limit the entry to those binary packages', () => {
    expect(verdicts(row({ status: 'unfixed', binaries: ['libc6', 'libc-bin'] }))).toHaveLength(1);
    expect(verdicts(row({ status: 'unfixed', binaries: ['libc-bin'] }))).toEqual([]);
  });

  it('unreadable versions give unknown verdicts with the reason', () => {
    expect(verdicts(row({ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'not a version!' }] }] }))).toEqual([
      { kind: 'unknown', reason: 'range event fixed "not a version!" is not a valid deb version' },
    ]);
  });

  it('informational advisories only with includeNotices; other releases never', () => {
    const notice = row({ status: 'unfixed' }, 'unmaintained');
    expect(verdicts(notice)).toEqual([]);
    expect(verdicts(notice, { includeNotices: true })).toHaveLength(1);
    expect(verdicts(row({ status: 'unfixed', ecosystem: 'Ubuntu:20.04:LTS' }))).toEqual([]);
  });
});
