import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../test/shared-data.js';
import { changelogCves, gunzipChangelog } from './changelog-cves.js';

const dir = vulndata('debian', 'bookworm-changelogs');
const changelog = (file: string): string => gunzipChangelog(readFileSync(`${dir}/${file}`), file);
const ids = (r: { cves: { id: string }[] }): string[] => r.cves.map((c) => c.id);

describe('changelogCves on real bookworm changelogs', () => {
  it('lists the CVEs of curl uploads after deb12u12 up to deb12u15, with the upload that mentions each', () => {
    const r = changelogCves(changelog('curl.changelog.Debian.gz'), '7.88.1-10+deb12u12', '7.88.1-10+deb12u15');
    expect(r.uploads).toEqual(['7.88.1-10+deb12u15', '7.88.1-10+deb12u14', '7.88.1-10+deb12u13']);
    expect(r.complete).toBe(true);
    // deb12u13 names a CVE in a patch file name (a regression fix of CVE-2023-27534): a mention is a mention.
    expect(ids(r)).toEqual(['CVE-2023-27534', 'CVE-2025-10148', 'CVE-2025-14524', 'CVE-2025-14819', 'CVE-2026-3783', 'CVE-2026-3784', 'CVE-2026-5773', 'CVE-2026-7168']);
    expect(r.cves.find((c) => c.id === 'CVE-2026-7168')?.versions).toEqual(['7.88.1-10+deb12u15']);
  });

  it('excludes the installed upload and includes the candidate one (glibc deb12u9 → deb12u10)', () => {
    const r = changelogCves(changelog('glibc.changelog.Debian.gz'), '2.36-9+deb12u9', '2.36-9+deb12u10');
    expect(r).toEqual({ cves: [{ id: 'CVE-2025-0395', versions: ['2.36-9+deb12u10'] }], complete: true, uploads: ['2.36-9+deb12u10'] });
    expect(changelogCves(changelog('glibc.changelog.Debian.gz'), '2.36-9+deb12u10', '2.36-9+deb12u10').cves).toEqual([]);
  });

  it('starts at the candidate when the changelog is newer, and reads a ~deb12u1 rebuild as including the upload it rebuilt', () => {
    const text = changelog('libxml2.changelog.Debian.gz');
    const newest = changelogCves(text, '2.9.14+dfsg-1.3~deb12u4', '2.9.14+dfsg-1.3~deb12u5');
    expect(newest.uploads).toEqual(['2.9.14+dfsg-1.3~deb12u5']);
    expect(ids(newest)).toEqual(['CVE-2025-7425', 'CVE-2025-9714']);
    // 2.9.14+dfsg-1.3 (unstable) sorts above ~deb12u1 but is listed below it: changelog order decides.
    expect(ids(changelogCves(text, '2.9.14+dfsg-1.2', '2.9.14+dfsg-1.3~deb12u1'))).toEqual(['CVE-2022-2309']);
  });

  it('says when a trimmed changelog ends before the installed version', () => {
    const r = changelogCves(changelog('openssl.changelog.Debian.gz'), '1.0.2u-1~deb9u1', '3.0.17-1~deb12u2');
    expect(r.complete).toBe(false);
    expect(ids(r)).toContain('CVE-2024-13176');
    expect(r.uploads[0]).toBe('3.0.17-1~deb12u2');
  });

  it('agrees with INDEX.tsv on the number of distinct CVE ids in every whole changelog', () => {
    const files = readdirSync(dir);
    const rows = readFileSync(`${dir}/INDEX.tsv`, 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) {
      const [source = '', , version = '', , count = ''] = row.split('\t');
      const file = files.find((f) => f.startsWith(`${source}.`));
      expect(file, source).toBeDefined();
      const r = changelogCves(changelog(file ?? ''), '0', version);
      // pam's changelog names a patch `cve-2010-4708.patch` in lower case; INDEX.tsv counted upper case only.
      expect(r.cves.length, `${source} ${version}`).toBe(Number(count) + (source === 'pam' ? 1 : 0));
    }
  });
});

describe('changelogCves on hostile input', () => {
  it('skips malformed headers and refuses non-versions', () => {
    const text = ['pkg (2.0) unstable; urgency=high', '  * CVE-2024-0001 and cve-2024-0002, not CVE-24-1', '', 'garbage (((', 'pkg (not a version!) x; y', '  * CVE-2023-9999', 'pkg (1.0) unstable; urgency=low', '  * CVE-2020-0001'].join('\n');
    expect(ids(changelogCves(text, '1.0', '2.0'))).toEqual(['CVE-2023-9999', 'CVE-2024-0001', 'CVE-2024-0002']);
    expect(() => changelogCves(text, 'x y', '2.0')).toThrow(/not a pair of Debian versions/);
  });

  it('names the file when the gzip is corrupt', () => {
    expect(() => gunzipChangelog(Buffer.from('not gzip'), 'pool/x.deb:usr/share/doc/x/changelog.Debian.gz')).toThrow(/x\/changelog.Debian.gz: not a readable gzip/);
    expect(gunzipChangelog(gzipSync('pkg (1) u; urgency=low\n'), 'ok')).toContain('pkg (1)');
  });
});
