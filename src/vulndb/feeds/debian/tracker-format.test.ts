import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import type { Advisory, AffectedPackage, FeedItem } from '../../advisory.js';
import { debianTrackerFormat } from './tracker-format.js';

const testdata = (name: string) => join(import.meta.dirname, 'testdata', name);

async function collect(path: string, label = path): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of debianTrackerFormat.parse({ path, label }, { feed: 'debian-tracker' })) items.push(item);
  return items;
}

function advisories(items: FeedItem[]): Map<string, Advisory> {
  return new Map(items.flatMap((item) => (item.type === 'advisory' ? [[item.advisory.id, item.advisory] as const] : [])));
}

function skips(items: FeedItem[]): string[] {
  return items.flatMap((item) => (item.type === 'skipped' ? [`${item.where}: ${item.reason}`] : []));
}

function brief(affected: AffectedPackage[] | undefined): string[] {
  return (affected ?? []).map((a) => {
    const fixed = a.ranges.flatMap((r) => r.events.flatMap((e) => (e.fixed === undefined ? [] : [e.fixed])));
    return [a.ecosystem, a.name, a.status, ...fixed, ...(a.severity ?? []).map((s) => s.value)].join(' ');
  });
}

describe('debianTrackerFormat on the real tracker sample', async () => {
  const items = await collect(vulndata('debian', 'tracker-json-sample', 'debian.json'), 'debian.json');
  const byId = advisories(items);

  it('yields one advisory per CVE, in Debian:<number> ecosystems', () => {
    expect([...byId.keys()].sort()).toEqual(['CVE-2005-3111', 'CVE-2007-2383', 'CVE-2008-7220', 'CVE-2013-1444', 'CVE-2022-0358', 'CVE-2022-0456', 'CVE-2025-53603']);
  });

  it('reads resolved with a version as fixed, with the urgency (its ** dropped) as the level', () => {
    expect(brief(byId.get('CVE-2008-7220')?.affected)).toEqual([
      'Debian:8 prototypejs affected 1.6.0.2-1 high',
      'Debian:9 prototypejs affected 1.6.0.2-1 high',
      'Debian:10 prototypejs affected 1.6.0.2-1 high',
    ]);
    expect(byId.get('CVE-2008-7220')).toMatchObject({
      feed: 'debian-tracker',
      kind: 'vulnerability',
      summary: expect.stringContaining('Prototype JavaScript framework') as unknown,
      references: ['https://security-tracker.debian.org/tracker/CVE-2008-7220', 'https://bugs.debian.org/555217'],
    });
  });

  it('reads fixed_version 0 as not affected', () => {
    expect(brief(byId.get('CVE-2007-2383')?.affected)).toEqual([
      'Debian:8 prototypejs not-affected unimportant',
      'Debian:9 prototypejs not-affected unimportant',
      'Debian:10 prototypejs not-affected unimportant',
    ]);
  });

  it('reads open with urgency end-of-life as end-of-life, next to fixed releases', () => {
    expect(brief(byId.get('CVE-2022-0456')?.affected)).toEqual([
      'Debian:9 chromium end-of-life end-of-life',
      'Debian:10 chromium end-of-life end-of-life',
      'Debian:11 chromium affected 98.0.4758.80-1~deb11u1 not yet assigned',
      'Debian:12 chromium affected 98.0.4758.80-1 not yet assigned',
    ]);
    expect(brief(byId.get('CVE-2025-53603')?.affected)).toContain('Debian:13 sope affected 5.12.1-2 not yet assigned');
  });

  it('keeps an entry with an empty releases list, and reports sid once, counted', () => {
    expect(byId.get('CVE-2022-0358')?.affected).toEqual([]);
    expect(skips(items)).toEqual(['debian.json: release "sid" has no Debian release number: 6 entries not imported']);
  });
});

describe('debianTrackerFormat status rules', async () => {
  const items = await collect(testdata('tracker-statuses.json'), 'tracker-statuses.json');
  const byId = advisories(items);

  it('merges one CVE listed under two source packages into one advisory', () => {
    const advisory = byId.get('CVE-2024-1000');
    expect(brief(advisory?.affected)).toEqual([
      'Debian:11 openssl1.1 not-affected unimportant',
      'Debian:12 openssl affected 3.0.11-1~deb12u1 medium',
      'Debian:13 openssl unfixed low',
    ]);
    expect(advisory?.summary).toBe('shared by two source packages');
    expect(advisory?.references).toEqual([
      'https://security-tracker.debian.org/tracker/CVE-2024-1000',
      'https://bugs.debian.org/1000',
      'https://bugs.debian.org/1001',
    ]);
    expect(items.filter((i) => i.type === 'advisory' && i.advisory.id === 'CVE-2024-1000')).toHaveLength(1);
  });

  it('maps open/undetermined to unfixed, end-of-life, unimportant and will-not-fix (nodsa)', () => {
    expect(brief(byId.get('TEMP-0290435-0B57B5')?.affected)).toEqual(['Debian:12 openssl unfixed not yet assigned']);
    const affected = byId.get('CVE-2024-1001')?.affected;
    expect(brief(affected)).toEqual([
      'Debian:11 openssl end-of-life end-of-life',
      'Debian:12 openssl unimportant unimportant',
      'Debian:13 openssl will-not-fix low',
      'Debian:14 openssl will-not-fix low',
    ]);
    expect(affected?.map((a) => a.note)).toEqual([undefined, undefined, 'no-dsa (postponed): Minor issue', 'no-dsa (ignored)']);
    expect(affected?.[0]?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }]);
  });

  it('skips what it cannot read, naming the package, id and release', () => {
    expect(brief(byId.get('CVE-2024-1002')?.affected)).toEqual([]);
    expect(skips(items)).toEqual([
      'tracker-statuses.json openssl CVE-2024-1002 bookworm: fixed_version is not a Debian version: "not a version!"',
      'tracker-statuses.json openssl CVE-2024-1002 trixie: unknown status "fixed-somehow"',
      'tracker-statuses.json openssl CVE-2024-1002 forky: resolved without a fixed_version',
      'tracker-statuses.json openssl GHSA-xxxx-yyyy-zzzz: not a CVE or TEMP id',
      'tracker-statuses.json Not A Package: not a source package name: "Not A Package"',
      'tracker-statuses.json: release "experimental" has no Debian release number: 1 entries not imported',
      'tracker-statuses.json: release "sid" has no Debian release number: 1 entries not imported',
    ]);
  });

  it('reads the same file gzip-compressed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'grout-tracker-')), 'tracker.json.gz');
    writeFileSync(path, gzipSync(readFileSync(testdata('tracker-statuses.json'))));
    expect(await collect(path, 'tracker-statuses.json')).toEqual(items);
  });
});

describe('debianTrackerFormat.sniff', () => {
  const head = (path: string) => readFileSync(path).subarray(0, 4096);
  it('claims tracker JSON by content, plain or gzip', () => {
    const path = vulndata('debian', 'tracker-json-sample', 'debian.json');
    expect(debianTrackerFormat.sniff(path, head(path), false)).toBe(true);
    expect(debianTrackerFormat.sniff('x', gzipSync(readFileSync(path)).subarray(0, 4096), false)).toBe(true);
    expect(debianTrackerFormat.sniff('x', Buffer.from('{"openssl":{"TEMP-0290435-0B57B5":{}}}'), false)).toBe(true);
  });
  it('never claims OSV, KEV, EOL or Debian OSV records', () => {
    for (const path of [
      vulndata('kev', 'known_exploited_vulnerabilities.json'),
      vulndata('debian', 'osv-samples', 'DSA-5474-1.json'),
      vulndata('eol', 'endoflife-date', 'all-products.json.gz'),
    ]) {
      expect(debianTrackerFormat.sniff(path, head(path), false)).toBe(false);
    }
    expect(debianTrackerFormat.sniff('x', Buffer.from('{"id": "CVE-2024-1", "affected": []}'), false)).toBe(false);
  });
});

describe('debianTrackerFormat on hostile input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grout-tracker-'));

  it('rejects truncated JSON with E_FEED_FORMAT naming the file', async () => {
    await expect(collect(testdata('tracker-truncated.json'), 'tracker-truncated.json')).rejects.toMatchObject({
      code: 'E_FEED_FORMAT',
      file: 'tracker-truncated.json',
      message: expect.stringContaining('truncated JSON') as unknown,
    });
  });

  it('skips a package holding a 50 MB string, and reads the packages after it', async () => {
    const path = join(dir, 'huge-string.json');
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('{"big": {"CVE-2024-1": {"description": "'),
        Buffer.alloc(50 * 1024 * 1024, 'x'),
        Buffer.from('", "releases": {}}}, "small": {"CVE-2024-0002": {"releases": {"bookworm": {"status": "open"}}}}}'),
      ]),
    );
    const items = await collect(path, 'huge-string.json');
    expect(skips(items)).toEqual(['huge-string.json big: a string longer than 1048576 bytes']);
    expect(brief(advisories(items).get('CVE-2024-0002')?.affected)).toEqual(['Debian:12 small unfixed']);
  });

  it('rejects what is not a JSON object, and trailing data', async () => {
    for (const [name, text] of [
      ['array.json', '[{"a": 1}]'],
      ['trailing.json', '{"zlib": {}} {"x": 1}'],
      ['garbage.json', '\u0000\u0001binary'],
      ['empty.json', ''],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, text);
      await expect(collect(path, name)).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: name });
    }
  });

  it('skips a member whose value is not valid JSON, and one that is not an object', async () => {
    const path = join(dir, 'bad-member.json');
    writeFileSync(path, '{"aa": {"CVE-2024-0001": nope}, "bb": 42, "cc": {"CVE-2024-0003": {"releases": {}}}}');
    const items = await collect(path, 'bad-member.json');
    expect(skips(items)).toEqual([
      expect.stringMatching(/^bad-member\.json aa: not valid JSON/) as unknown,
      'bad-member.json bb: package entry is not an object',
    ]);
    expect([...advisories(items).keys()]).toEqual(['CVE-2024-0003']);
  });
});
