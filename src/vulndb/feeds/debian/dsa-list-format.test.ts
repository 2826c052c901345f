import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import { isGroutError } from '../../../core/errors.js';
import type { Advisory, FeedItem } from '../../advisory.js';
import { debianDsaListFormat } from './dsa-list-format.js';

const testdata = (name: string) => join(import.meta.dirname, 'testdata', name);

async function collect(path: string, label = path): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of debianDsaListFormat.parse({ path, label }, { feed: 'debian-dsa' })) items.push(item);
  return items;
}

function advisories(items: FeedItem[]): Advisory[] {
  return items.flatMap((item) => (item.type === 'advisory' ? [item.advisory] : []));
}

function skips(items: FeedItem[]): string[] {
  return items.flatMap((item) => (item.type === 'skipped' ? [`${item.where} ${item.reason}`] : []));
}

function perRelease(list: Advisory[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const advisory of list) for (const a of advisory.affected) counts[a.ecosystem] = (counts[a.ecosystem] ?? 0) + 1;
  return counts;
}

function statuses(list: Advisory[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const advisory of list) for (const a of advisory.affected) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'grout-dsa-'));
}

describe('debianDsaListFormat on the real DSA list', async () => {
  const items = await collect(vulndata('debian', 'security-tracker', 'DSA.list'), 'DSA.list');
  const list = advisories(items);

  it('yields one advisory per DSA id', () => {
    expect(list).toHaveLength(5406);
    expect(new Set(list.map((a) => a.id)).size).toBe(5406);
  });

  it('counts release lines per release as MANIFEST 3a does, plus the space-indented lines it left out', () => {
    // MANIFEST 3a counts only lines indented with exactly one tab; 292 old lines are indented otherwise (spaces,
    // or spaces then a tab: 51 woody, 190 sarge, 36 etch, 1 lenny, 14 squeeze), and one tab-indented woody line
    // has no version (skipped, below).
    expect(perRelease(list)).toEqual({
      'Debian:3.0': 801 + 51 - 1,
      'Debian:3.1': 522 + 190,
      'Debian:4.0': 642 + 36,
      'Debian:5.0': 587 + 1,
      'Debian:6.0': 660 + 14,
      'Debian:7': 813,
      'Debian:8': 898,
      'Debian:9': 740,
      'Debian:10': 623,
      'Debian:11': 410,
    });
  });

  it('reads DSA-5380-1: xorg-server fixed in bullseye 2:1.20.11-1+deb11u6 for CVE-2023-1393', () => {
    const dsa = list.find((a) => a.id === 'DSA-5380-1');
    expect(dsa).toEqual({
      id: 'DSA-5380-1',
      aliases: ['CVE-2023-1393'],
      related: [],
      feed: 'debian-dsa',
      kind: 'vulnerability',
      summary: 'xorg-server - security update',
      published: '2023-03-29',
      severity: [],
      references: ['https://security-tracker.debian.org/tracker/DSA-5380-1'],
      cwes: [],
      affected: [
        {
          ecosystem: 'Debian:11',
          name: 'xorg-server',
          status: 'affected',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2:1.20.11-1+deb11u6' }] }],
          versions: [],
        },
      ],
    });
  });

  it('counts the special forms (MANIFEST: 52 not-affected and 2 unfixed on tab-indented lines, 3 and 1 more indented with spaces)', () => {
    expect(statuses(list)).toEqual({ affected: 6925, 'not-affected': 52 + 3, 'end-of-life': 4, unfixed: 2 + 1 });
    const pam = list.flatMap((a) => a.affected).find((a) => a.name === 'sash' && a.status === 'not-affected');
    expect(pam?.note).toBe('Older zlib not vulnerable');
    expect(pam?.ranges).toEqual([]);
  });

  it('keeps an advisory without a CVE list (regression update) and its note lines', () => {
    expect(list.find((a) => a.id === 'DSA-5356-2')?.aliases).toEqual([]);
    const tor = list.find((a) => a.id === 'DSA-2548-1');
    expect(tor?.affected[0]?.note).toContain('duplicate for the security team');
    expect(list.find((a) => a.id === 'DSA-4205-1')).toMatchObject({ summary: 'jessie end-of-life', details: 'end of security support for jessie', affected: [] });
  });

  it('reads an urgency after the version as a severity level', () => {
    const entries = list.flatMap((a) => a.affected).filter((a) => a.severity !== undefined);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]?.severity?.[0]).toMatchObject({ type: 'level', source: 'debian-dsa-list' });
  });

  it('skips the one release line whose version is not a Debian version, naming the line', () => {
    expect(skips(items)).toEqual(['DSA.list:17244 DSA-423: woody kernel-image-2.4.17-ia64: not a Debian version: "kernel-image-2.4.17-ia64"']);
  });
});

describe('debianDsaListFormat on the real DLA list', async () => {
  const items = await collect(vulndata('debian', 'security-tracker', 'DLA.list'), 'DLA.list');
  const list = advisories(items);

  it('yields 3534 advisories and the per-release counts of MANIFEST 3a', () => {
    expect(list).toHaveLength(3534);
    expect(perRelease(list)).toEqual({ 'Debian:6.0': 471, 'Debian:7': 986, 'Debian:8': 928, 'Debian:9': 828, 'Debian:10': 322 });
    expect(statuses(list)).toEqual({ affected: 3534, 'end-of-life': 1 });
    expect(skips(items)).toEqual([]);
  });

  it('reads the same fix in the LTS list (DLA-3372-1, buster)', () => {
    expect(list.find((a) => a.id === 'DLA-3372-1')?.affected[0]).toMatchObject({
      ecosystem: 'Debian:10',
      name: 'xorg-server',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2:1.20.4-1+deb10u9' }] }],
    });
  });
});

describe('debianDsaListFormat.sniff', () => {
  const head = (path: string) => readFileSync(path).subarray(0, 4096);
  it('claims the DSA and DLA lists, plain or gzip', () => {
    const dsa = vulndata('debian', 'security-tracker', 'DSA.list');
    expect(debianDsaListFormat.sniff(dsa, head(dsa), false)).toBe(true);
    expect(debianDsaListFormat.sniff('x', gzipSync(readFileSync(dsa)).subarray(0, 4096), false)).toBe(true);
    const dla = vulndata('debian', 'security-tracker', 'DLA.list');
    expect(debianDsaListFormat.sniff(dla, head(dla), false)).toBe(true);
  });
  it('does not claim other feeds or directories', () => {
    for (const path of [vulndata('debian', 'tracker-json-sample', 'debian.json'), vulndata('kev', 'known_exploited_vulnerabilities.json'), vulndata('epss', 'epss-excerpt-2024-10-25.csv')]) {
      expect(debianDsaListFormat.sniff(path, head(path), false)).toBe(false);
    }
    expect(debianDsaListFormat.sniff('dir', new Uint8Array(), true)).toBe(false);
  });
});

describe('debianDsaListFormat on hostile input', () => {
  it('skips a release line with an unknown codename, an unknown status word, an invalid version and an unknown line', async () => {
    const items = await collect(testdata('unknown-codename.list'), 'unknown-codename.list');
    const [dsa, dla] = advisories(items);
    expect(dsa?.affected.map((a) => [a.ecosystem, a.name, a.status])).toEqual([
      ['Debian:11', 'foo', 'affected'],
      ['Debian:12', 'foo', 'affected'],
    ]);
    expect(dsa?.aliases).toEqual(['CVE-2024-0001', 'CVE-2024-0002']);
    expect(dsa?.affected[1]).toMatchObject({ severity: [{ type: 'level', value: 'medium', source: 'debian-dsa-list' }], note: 'fixed upstream in 1.3' });
    expect(dla?.affected.map((a) => [a.name, a.status, a.note])).toEqual([
      ['bar', 'not-affected', 'vulnerable code not present'],
      ['baz', 'unfixed', undefined],
      ['qux', 'end-of-life', undefined],
    ]);
    expect(dla?.affected[1]?.severity).toEqual([{ type: 'level', value: 'high', source: 'debian-dsa-list' }]);
    expect(skips(items)).toEqual([
      'unknown-codename.list:4 DSA-9001-1: unknown release codename "hamm"',
      'unknown-codename.list:12 DLA-9000-1: buster quux: not a Debian version: "not_a_version!"',
      'unknown-codename.list:13 DLA-9000-1: unrecognised line: "this line means nothing"',
    ]);
  });

  it('skips a block whose header date does not exist, and keeps the next ones', async () => {
    const items = await collect(testdata('bad-date.list'), 'bad-date.list');
    expect(advisories(items).map((a) => [a.id, a.published])).toEqual([['DSA-9003-1', '2023-03-01']]);
    expect(skips(items)).toEqual([
      'bad-date.list:1 DSA-9002-1: not a date: [31 Feb 2023]',
      'bad-date.list:7 DSA-9004-1: not a date: [1 Foo 2023]',
    ]);
  });

  it('skips a 50 MB line without buffering it', async () => {
    const path = join(tempDir(), 'long-line.list');
    const text = readFileSync(testdata('bad-date.list'), 'utf8');
    writeFileSync(path, Buffer.concat([Buffer.from(text), Buffer.alloc(50 * 1024 * 1024, 'a'), Buffer.from('\n[02 Mar 2023] DSA-9005-1 qux - security update\n')]));
    const items = await collect(path, 'long-line.list');
    expect(skips(items)).toContain('long-line.list:9 line too long');
    expect(advisories(items).map((a) => a.id)).toEqual(['DSA-9003-1', 'DSA-9005-1']);
  });

  it('rejects a file that is not a DSA list with E_FEED_FORMAT naming it', async () => {
    const path = join(tempDir(), 'not-a-list.txt');
    writeFileSync(path, 'hello\n[01 Jan 2024] DSA-1-1 x - y\n');
    await expect(collect(path, 'not-a-list.txt')).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: 'not-a-list.txt' });
    writeFileSync(path, '[01 Jan 2024] not a DSA\n');
    await expect(collect(path, 'not-a-list.txt')).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: 'not-a-list.txt' });
  });

  it('rejects a truncated gzip with E_FEED_FORMAT and a missing file with E_IO', async () => {
    const path = join(tempDir(), 'cut.list.gz');
    const gz = gzipSync(readFileSync(vulndata('debian', 'security-tracker', 'DLA.list')));
    writeFileSync(path, gz.subarray(0, gz.length / 2));
    const error = await collect(path, 'cut.list.gz').catch((e: unknown) => e);
    expect(isGroutError(error) && error.code).toBe('E_FEED_FORMAT');
    expect(String(error)).toContain('cut.list.gz');
    await expect(collect(join(tempDir(), 'absent.list'), 'absent.list')).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('reads an empty file as no advisories', async () => {
    const path = join(tempDir(), 'empty.list');
    writeFileSync(path, '');
    expect(await collect(path)).toEqual([]);
  });
});
