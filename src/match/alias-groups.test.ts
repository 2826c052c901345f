import { describe, expect, it } from 'vitest';
import { chooseId, groupByAliases, membersOf } from './alias-groups.js';

const group = (...advisories: { id: string; aliases?: string[]; related?: string[] }[]) =>
  groupByAliases(advisories.flatMap((a) => membersOf(a.id, { id: a.id, aliases: a.aliases ?? [], related: a.related ?? [] }))).map((g) => ({
    id: g.id,
    aliases: g.aliases,
    from: g.members.map((m) => m.item).sort(),
  }));

describe('groupByAliases', () => {
  it('merges advisories that share any id, transitively', () => {
    expect(group({ id: 'GHSA-1', aliases: ['CVE-2021-1'] }, { id: 'PYSEC-1', aliases: ['CVE-2021-1', 'GHSA-1'] }, { id: 'OSV-9', aliases: ['PYSEC-1'] })).toEqual([
      { id: 'CVE-2021-1', aliases: ['GHSA-1', 'OSV-9', 'PYSEC-1'], from: ['GHSA-1', 'OSV-9', 'PYSEC-1'] },
    ]);
  });

  it('splits an advisory naming several CVEs into one finding per CVE, each carrying its id', () => {
    expect(group({ id: 'DSA-5304-1', aliases: ['CVE-2022-2', 'CVE-2022-1'] }, { id: 'GHSA-2', aliases: ['CVE-2022-2'] })).toEqual([
      { id: 'CVE-2022-1', aliases: ['DSA-5304-1'], from: ['DSA-5304-1'] },
      { id: 'CVE-2022-2', aliases: ['DSA-5304-1', 'GHSA-2'], from: ['DSA-5304-1', 'GHSA-2'] },
    ]);
  });

  it('distro wrappers join their CVE; other advisories’ related ids do not merge', () => {
    expect(group({ id: 'USN-5614-1', related: ['UBUNTU-CVE-2021-3782'] }, { id: 'UBUNTU-CVE-2021-3782', related: ['CVE-2021-3782', 'USN-5614-2'] })).toEqual([
      { id: 'CVE-2021-3782', aliases: ['UBUNTU-CVE-2021-3782', 'USN-5614-1'], from: ['UBUNTU-CVE-2021-3782', 'USN-5614-1'] },
    ]);
    expect(group({ id: 'GHSA-3', related: ['CVE-2020-1'] }, { id: 'CVE-2020-1' }).map((g) => g.id)).toEqual(['CVE-2020-1', 'GHSA-3']);
  });

  it('chooses the id by a fixed preference', () => {
    expect(chooseId(['GHSA-x', 'CVE-2021-10', 'CVE-2021-9', 'CVE-2020-99999'])).toBe('CVE-2020-99999');
    expect(chooseId(['DSA-1-1', 'RUSTSEC-2020-1', 'GHSA-b', 'GHSA-a'])).toBe('GHSA-a');
    expect(chooseId(['USN-1-1', 'PYSEC-2020-1'])).toBe('PYSEC-2020-1');
    expect(chooseId(['USN-1-1', 'DSA-1-1'])).toBe('DSA-1-1');
  });
});
