import { describe, expect, it } from 'vitest';
import { osvAdvisories } from '../../test/memory-advisory-store.js';
import { vulndata } from '../../test/shared-data.js';
import type { SeverityRating } from '../core/finding.js';
import type { Advisory, AffectedPackage } from '../vulndb/advisory.js';
import { scoreCvss } from './cvss.js';
import { chooseSeverity, levelOfScore, levelOfWord } from './severity.js';

describe('scoreCvss', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.1', 9.8],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', '3.1', 7.4],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H', '3.1', 6.6],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', '2.0', 7.5],
    ['(AV:N/AC:M/Au:N/C:N/I:P/A:N)', '2.0', 4.3],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', '3.1', 0],
  ])('%s → %s %s', (vector, version, score) => {
    expect(scoreCvss(vector)).toEqual({ version, score });
  });

  it.each([
    ['garbage'],
    [''],
    ['CVSS:3.1/AV:X'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'], // A missing
    ['CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], // AV twice
    ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], // no such value
    ['CVSS:9.9/AV:N'],
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], // a v3 body under a v4 prefix
    [`CVSS:3.1/${'AV:N/'.repeat(200)}`],
  ])('invalid vector %s is ignored', (vector) => {
    expect(scoreCvss(vector)).toBeUndefined();
  });

  it('scores every CVSS vector in the real GHSA, RustSec and PyPA data', () => {
    const advisories = [
      ...osvAdvisories([vulndata('osv', 'ghsa-subset.jsonl.gz')], 'ghsa'),
      ...osvAdvisories([vulndata('osv', 'rustsec.jsonl.gz')], 'rustsec'),
      ...osvAdvisories([vulndata('osv', 'pypa.jsonl.gz')], 'pypa'),
    ];
    const vectors = new Set(advisories.flatMap((a) => [...a.severity, ...a.affected.flatMap((e) => e.severity ?? [])]).filter((r) => r.type !== 'level').map((r) => r.value));
    expect(vectors.size).toBeGreaterThan(200);
    expect([...vectors].filter((v) => scoreCvss(v) === undefined)).toEqual([]);
  });
});

describe('levels', () => {
  it.each([
    [0, 'negligible'],
    [0.1, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ] as const)('score %s is %s (FIRST qualitative scale)', (score, level) => {
    expect(levelOfScore(score)).toBe(level);
  });

  it('reads distro and GHSA words', () => {
    expect(['MODERATE', 'unimportant', 'High', 'negligible', 'CRITICAL', 'not yet assigned', 'untriaged', 'end-of-life'].map(levelOfWord)).toEqual([
      'medium',
      'negligible',
      'high',
      'negligible',
      'critical',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('chooseSeverity', () => {
  const V3 = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H'; // 7.4
  const V4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'; // 9.3
  const V2 = 'AV:N/AC:L/Au:N/C:P/I:P/A:P'; // 7.5
  const rating = (type: SeverityRating['type'], value: string, source = 'osv-npm'): SeverityRating => ({ type, value, source });
  const entry = (severity: SeverityRating[], perRelease: SeverityRating[] = []): { advisory: Advisory; affected: AffectedPackage } => {
    const affected: AffectedPackage = { ecosystem: 'npm', name: 'x', status: 'affected', ranges: [], versions: [] };
    if (perRelease.length > 0) affected.severity = perRelease;
    return { advisory: { id: 'GHSA-x', aliases: [], related: [], feed: 'osv-npm', kind: 'vulnerability', severity, references: [], cwes: [], affected: [affected] }, affected };
  };

  it('language packages: CVSS v3, then v4, then the GHSA level, then v2', () => {
    const all = [rating('CVSS_V2', V2), rating('CVSS_V4', V4), rating('level', 'MODERATE', 'ghsa'), rating('CVSS_V3', V3)];
    expect(chooseSeverity('vulnerability', [entry(all)], false)).toMatchObject({ severity: 'high', severitySource: 'CVSS_V3 7.4 (osv-npm)' });
    expect(chooseSeverity('vulnerability', [entry(all.filter((r) => r.type !== 'CVSS_V3'))], false)).toMatchObject({ severity: 'critical', severitySource: 'CVSS_V4 9.3 (osv-npm)' });
    expect(chooseSeverity('vulnerability', [entry([rating('CVSS_V2', V2), rating('level', 'MODERATE', 'ghsa')])], false)).toMatchObject({ severity: 'medium', severitySource: 'ghsa: MODERATE' });
    expect(chooseSeverity('vulnerability', [entry([rating('CVSS_V2', V2)])], false)).toMatchObject({ severity: 'high', severitySource: 'CVSS_V2 7.5 (osv-npm)' });
    expect(chooseSeverity('vulnerability', [entry([])], false)).toEqual({ severity: 'unknown', severitySource: 'no rating', cvss: [] });
  });

  it('OS packages: the per-release distro word, then the advisory-wide one, then CVSS', () => {
    const perRelease = [rating('level', 'unimportant', 'debian-tracker')];
    expect(chooseSeverity('vulnerability', [entry([rating('CVSS_V3', V3), rating('level', 'high', 'osv-ubuntu')], perRelease)], true)).toMatchObject({
      severity: 'negligible',
      severitySource: 'debian-tracker: unimportant',
    });
    expect(chooseSeverity('vulnerability', [entry([rating('CVSS_V3', V3), rating('level', 'high', 'osv-ubuntu')])], true)).toMatchObject({ severity: 'high', severitySource: 'osv-ubuntu: high' });
    expect(chooseSeverity('vulnerability', [entry([rating('CVSS_V3', V3)], [rating('level', 'not yet assigned', 'debian-tracker')])], true)).toMatchObject({
      severity: 'high',
      severitySource: 'CVSS_V3 7.4 (osv-npm)',
    });
  });

  it('the worst rating within a tier; invalid vectors ignored but valid ones all listed', () => {
    const choice = chooseSeverity('vulnerability', [entry([rating('CVSS_V3', V3), rating('CVSS_V3', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'nvd'), rating('CVSS_V3', 'CVSS:3.1/bogus')])], false);
    expect(choice.severitySource).toBe('CVSS_V3 9.8 (nvd)');
    expect(choice.cvss.map((c) => [c.version, c.score, c.source])).toEqual([
      ['3.1', 9.8, 'nvd'],
      ['3.1', 7.4, 'osv-npm'],
    ]);
  });

  it('malicious packages are critical', () => {
    expect(chooseSeverity('malicious', [entry([rating('level', 'LOW', 'ghsa')])], false)).toMatchObject({ severity: 'critical', severitySource: 'malicious package' });
  });
});
