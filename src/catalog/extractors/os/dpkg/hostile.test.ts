/** Hostile bytes in every file the extractors read: issues or sane values, never a throw, never a hang. */
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { viewOfFiles } from '../../../../../test/memory-view.js';
import type { Extractor } from '../../../extractor.js';
import { dpkgExtractor, opkgExtractor } from './index.js';
import { garbage } from '../../../../../test/garbage.js';

/** Deterministic pseudo-random bytes (a linear congruential generator), so failures reproduce. */

async function extract(
  files: Record<string, string | Buffer>,
  extractor: Extractor = dpkgExtractor,
): Promise<{ packages: ExtractedPackage[]; issues: { path: string; reason: string }[] }> {
  const issues: { path: string; reason: string }[] = [];
  const packages = await extractor.extract({
    view: viewOfFiles(files),
    distro: undefined,
    issue: (path, reason) => issues.push({ path, reason }),
  });
  return { packages, issues };
}

const ok = 'Package: ok\nStatus: install ok installed\nVersion: 1.0\n';
const tenMiB = 10 * 1024 * 1024;

describe('hostile input', () => {
  it('binary garbage in every wanted file: issues, no throw', async () => {
    const junk = garbage(1024 * 1024);
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': junk,
      'var/lib/dpkg/status.d/junk': garbage(4096, 7),
      'var/lib/dpkg/status.d/junk.md5sums': garbage(4096, 8),
      'var/lib/dpkg/info/junk.list': junk,
      'var/lib/dpkg/info/junk.md5sums': junk,
      'usr/share/doc/junk/copyright': junk,
    });
    expect(packages).toEqual([]);
    expect(issues.some((i) => i.path === 'var/lib/dpkg/status')).toBe(true);
    // Each file reports at most 20 problems and one summary line.
    const perFile = new Map<string, number>();
    for (const i of issues) perFile.set(i.path, (perFile.get(i.path) ?? 0) + 1);
    for (const count of perFile.values()) expect(count).toBeLessThanOrEqual(21);
  });

  it('binary garbage for opkg too', async () => {
    const { packages, issues } = await extract({ 'usr/lib/opkg/status': garbage(65_536), 'usr/lib/opkg/info/x.list': garbage(65_536) }, opkgExtractor);
    expect(packages).toEqual([]);
    expect(issues.length).toBeGreaterThan(0);
  });

  it('a 10 MB single line without a newline', async () => {
    const { packages, issues } = await extract({ 'var/lib/dpkg/status': 'x'.repeat(tenMiB) });
    expect(packages).toEqual([]);
    expect(issues).toEqual([{ path: 'var/lib/dpkg/status', reason: 'line 1: not a "Field: value" line' }]);
  });

  it('a 10 MB package name, version or description', async () => {
    const huge = 'a'.repeat(tenMiB);
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': `Package: ${huge}\nStatus: install ok installed\nVersion: 1\n\nPackage: v\nStatus: install ok installed\nVersion: ${huge}\n\n${ok}Description: ${huge}\nMaintainer: ${huge}\n`,
    });
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    expect(packages[0]?.metadata).toEqual({ kind: 'dpkg', status: 'install ok installed' });
    expect(issues.map((i) => i.reason)).toEqual([
      'line 1: malformed Package; skipped',
      'line 5: package v has a malformed Version; skipped',
      'line 9: package ok has a Maintainer longer than 4096 characters; left out',
    ]);
  });

  it('stanzas without Package or without Version are skipped with an issue naming the line', async () => {
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': `Status: install ok installed\nVersion: 1\n\nPackage: nov\nStatus: install ok installed\n\nPackage:\nVersion: 2\n\n${ok}`,
    });
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    expect(issues.map((i) => i.reason)).toEqual([
      'line 1: paragraph without Package; skipped',
      'line 4: package nov has no Version; skipped',
      'line 7: paragraph without Package; skipped',
    ]);
  });

  it('a .list with ../ paths keeps them as normalised data inside the tree', async () => {
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': ok,
      'var/lib/dpkg/info/ok.list': '/.\n/usr/../../../etc/shadow\n/../root/.ssh/authorized_keys\n/usr/bin/ok\n',
    });
    expect(packages[0]?.ownedFiles?.map((f) => f.path)).toEqual(['etc/shadow', 'root/.ssh/authorized_keys', 'usr/bin/ok']);
    expect(issues).toEqual([{ path: 'var/lib/dpkg/info/ok.list', reason: '2 paths with ".." segments, normalised lexically' }]);
  });

  it('a package name that looks like a path is refused, so it never names an info file', async () => {
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': 'Package: ../../etc/passwd\nStatus: install ok installed\nVersion: 1\n',
    });
    expect(packages).toEqual([]);
    expect(issues.map((i) => i.reason)).toEqual(['line 1: malformed Package; skipped']);
  });

  it('a huge or negative Installed-Size: issue, value left out, package kept', async () => {
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': `${ok}Installed-Size: 99999999999999999999999999\n\nPackage: neg\nStatus: install ok installed\nVersion: 1\nInstalled-Size: -1\n`,
    });
    expect(packages.map((p) => [p.name, p.metadata?.kind === 'dpkg' ? p.metadata.installedSize : 'x'])).toEqual([
      ['neg', undefined],
      ['ok', undefined],
    ]);
    expect(issues.map((i) => i.reason)).toEqual([
      'line 1: package ok has an Installed-Size that is not a size in KiB; left out',
      'line 6: package neg has an Installed-Size that is not a size in KiB; left out',
    ]);
  });

  it('a million bad lines yield 21 issues', async () => {
    const { issues } = await extract({ 'var/lib/dpkg/status': 'bad\n'.repeat(1_000_000) });
    expect(issues).toHaveLength(21);
    expect(issues.at(-1)?.reason).toBe('999980 more problems in this file not listed');
  });

  it('too many paragraphs: reading stops at the cap', async () => {
    const { packages, issues } = await extract({ 'var/lib/dpkg/status': `${ok}\n`.repeat(200_010) });
    expect(packages).toHaveLength(200_000);
    expect(issues.map((i) => i.reason)).toEqual(['more than 200000 paragraphs; stopped reading at line 800000']);
  });

  it('NUL bytes, invalid UTF-8 and control characters in names and versions', async () => {
    const text = Buffer.concat([
      Buffer.from('Package: a\u0000b\nStatus: install ok installed\nVersion: 1\n\nPackage: c\nStatus: install ok installed\nVersion: 1'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`\n\n${ok}Architecture: am\u0007d64\n`),
    ]);
    const { packages, issues } = await extract({ 'var/lib/dpkg/status': text });
    expect(packages.map((p) => [p.name, p.arch])).toEqual([['ok', undefined]]);
    expect(issues.map((i) => i.reason)).toEqual([
      'line 1: malformed Package; skipped',
      'line 5: package c has a malformed Version; skipped',
      'line 9: package ok has a malformed Architecture; left out',
    ]);
  });

  it('a Conffiles field with 200,000 lines and a 10 MB path', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => ` /etc/f${i} ${'0'.repeat(32)}`).join('\n');
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': `${ok}Conffiles:\n${lines}\n /${'p'.repeat(tenMiB)} ${'0'.repeat(32)}\n`,
    });
    expect(packages[0]?.ownedFiles).toHaveLength(200_000);
    expect(issues.map((i) => i.reason)).toEqual(['line 1: package ok: 1 paths longer than 4096 characters skipped']);
  });

  it('an md5sums file with a 10 MB line and CRLF ends', async () => {
    const { packages, issues } = await extract({
      'var/lib/dpkg/status': ok,
      'var/lib/dpkg/info/ok.md5sums': `${'f'.repeat(tenMiB)}\r\n${'0'.repeat(32)}  usr/bin/ok\r\n`,
    });
    expect(packages[0]?.ownedFiles).toEqual([{ path: 'usr/bin/ok', digest: { algorithm: 'md5', value: '0'.repeat(32) } }]);
    expect(issues.map((i) => i.reason)).toEqual(['1 lines are not "<md5>  <path>" (first at line 1)']);
  });
});
