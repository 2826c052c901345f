import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { viewOfFiles } from '../../../../../test/memory-view.js';
import { apkExtractor } from './index.js';
import { maxLineBytes } from './lines.js';
import { maxPackages } from './read-installed.js';
import { garbage } from '../../../../../test/garbage.js';

const db = 'lib/apk/db/installed';

async function extract(files: Record<string, string | Buffer>): Promise<{ packages: ExtractedPackage[]; issues: { path: string; reason: string }[] }> {
  const issues: { path: string; reason: string }[] = [];
  const packages = await apkExtractor.extract({ view: viewOfFiles(files), distro: undefined, issue: (path, reason) => issues.push({ path, reason }) });
  return { packages, issues };
}

/** Deterministic pseudo-random bytes, so failures reproduce. */

const ok = 'P:ok\nV:1.0-r0\nA:x86_64\n';

describe('os/apk', () => {
  it('is a versioned plugin that wants only the installed database', () => {
    expect(apkExtractor.name).toBe('os/apk');
    expect(apkExtractor.version).toBe(1);
    expect(apkExtractor.maxFileBytes).toBe(64 * 1024 * 1024);
    expect(apkExtractor.wants('lib/apk/db/installed')).toBe(true);
    expect(apkExtractor.wants('usr/lib/apk/db/installed')).toBe(true);
    expect(apkExtractor.wants('lib/apk/db/triggers')).toBe(false);
    expect(apkExtractor.wants('lib/apk/db/installed.new')).toBe(false);
  });

  it('reads every field it models', async () => {
    const { packages, issues } = await extract({
      [db]: [
        'C:Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=',
        'P:busybox',
        'V:1.36.1-r15',
        'A:aarch64',
        'S:508000',
        'I:924000',
        'T:Size optimized toolbox',
        'U:https://busybox.net/',
        'L:GPL-2.0-only AND MIT',
        'o:busybox-src',
        'm:Someone <someone@example.org>',
        't:1699383189',
        'c:d1b6f274f29076967826e0ecf6ebcaa5d360272f',
        'D:so:libc.musl-aarch64.so.1 !busybox-legacy musl>=1.2',
        'p:cmd:busybox=1.36.1-r15 /bin/sh',
        'i:busybox-extras',
        'r:busybox-initscripts',
        'k:100',
        'F:bin',
        'M:0:0:755',
        'R:busybox',
        'a:0:0:4755',
        'Z:Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=',
        'R:sh',
        'F:etc/busybox',
        'R:empty.conf',
        '',
      ].join('\n'),
    });
    expect(issues).toEqual([]);
    expect(packages).toEqual([
      {
        ecosystem: 'apk',
        name: 'busybox',
        version: '1.36.1-r15',
        arch: 'aarch64',
        source: { name: 'busybox-src', version: '1.36.1-r15' },
        licenses: ['GPL-2.0-only AND MIT'],
        evidence: db,
        ownedFiles: [
          { path: 'bin/busybox', mode: 0o4755, digest: { algorithm: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' } },
          { path: 'bin/sh' },
          { path: 'etc/busybox/empty.conf' },
        ],
        dependsOn: ['so:libc.musl-aarch64.so.1', 'musl>=1.2'],
        metadata: {
          kind: 'apk',
          origin: 'busybox-src',
          maintainer: 'Someone <someone@example.org>',
          size: 508000,
          installedSize: 924000,
          depends: ['so:libc.musl-aarch64.so.1', '!busybox-legacy', 'musl>=1.2'],
          provides: ['cmd:busybox=1.36.1-r15', '/bin/sh'],
          commit: 'd1b6f274f29076967826e0ecf6ebcaa5d360272f',
          checksum: 'Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=',
          buildTime: 1699383189,
          url: 'https://busybox.net/',
          description: 'Size optimized toolbox',
        },
      },
    ]);
  });

  it('sorts by name, version, arch and handles CRLF and missing trailing newline', async () => {
    const text = ['P:b\r\nV:1\r\nA:x86_64', 'P:a\nV:2\nA:x86_64', 'P:a\nV:10\nA:x86_64', 'P:a\nV:2\nA:aarch64'].join('\n\n');
    const { packages, issues } = await extract({ [db]: text });
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name} ${p.version} ${p.arch}`)).toEqual(['a 10 x86_64', 'a 2 aarch64', 'a 2 x86_64', 'b 1 x86_64']);
  });

  it('reads usr/lib/apk/db/installed only when lib/apk/db/installed is absent', async () => {
    expect((await extract({ 'usr/lib/apk/db/installed': ok })).packages[0]?.evidence).toBe('usr/lib/apk/db/installed');
    const both = await extract({ [db]: ok, 'usr/lib/apk/db/installed': 'P:other\nV:1\n' });
    expect(both.packages.map((p) => p.name)).toEqual(['ok']);
  });

  it('leaves out what is absent: no origin, no licence, no files, no deps', async () => {
    const { packages } = await extract({ [db]: 'P:pkgname\nV:1.2.3\nD:\np:\n' });
    expect(packages).toEqual([{ ecosystem: 'apk', name: 'pkgname', version: '1.2.3', licenses: [], evidence: db, metadata: { kind: 'apk' } }]);
  });

  it('keeps a file whose digest it cannot read, and says so', async () => {
    const { packages, issues } = await extract({ [db]: `${ok}F:usr\nR:a\nZ:Q9nope\nR:b\nZ:${'d41d8cd98f00b204e9800998ecf8427e'}\n` });
    expect(packages[0]?.ownedFiles).toEqual([{ path: 'usr/a' }, { path: 'usr/b', digest: { algorithm: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' } }]);
    expect(issues).toEqual([{ path: db, reason: expect.stringMatching(/package ok: 1 Z: checksums that are not/u) as unknown as string }]);
  });
});

describe('os/apk malformed and hostile input', () => {
  it('skips a stanza without P: with an issue and keeps the rest', async () => {
    const { packages, issues } = await extract({ [db]: `V:1.0\nA:x86_64\nF:etc\nR:passwd\n\n${ok}` });
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    expect(issues).toEqual([{ path: db, reason: 'stanza at line 1: not a package record, no package name (P:)' }]);
  });

  it('skips a stanza without V:, or with two P: lines', async () => {
    const { packages, issues } = await extract({ [db]: `P:noversion\nA:x86_64\n\nP:one\nV:1\nP:two\nV:2\n\n${ok}` });
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    expect(issues.map((i) => i.reason)).toEqual([
      'stanza at line 1: package noversion has no version (V:); skipped',
      'stanza at line 4: P: or V: given twice (two records without a blank line between them?); two skipped',
    ]);
  });

  it('keeps the first of duplicate records', async () => {
    const { packages, issues } = await extract({ [db]: `${ok}S:1\n\n${ok}S:2\n` });
    expect(packages).toHaveLength(1);
    expect(packages[0]?.metadata).toMatchObject({ size: 1 });
    expect(issues).toEqual([{ path: db, reason: 'package ok 1.0-r0 is listed more than once; the first record is kept' }]);
  });

  it('reports non-numeric sizes and leaves them out', async () => {
    const { packages, issues } = await extract({ [db]: `${ok}S:lots\nI:-1\nt:99999999999999999999\n` });
    expect(packages[0]?.metadata).toEqual({ kind: 'apk' });
    expect(issues).toHaveLength(3);
  });

  it('rejects names and versions with whitespace or control characters', async () => {
    const { packages, issues } = await extract({ [db]: 'P:bad name\nV:1\n\nP:ctl\nV:1\u0000\n' });
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(2);
  });

  it('does not let database paths leave the image root', async () => {
    const { packages, issues } = await extract({ [db]: `${ok}F:../../etc\nR:shadow\nF:usr/../lib\nR:x\nF:bin\nR:.\nR:\n` });
    expect(packages[0]?.ownedFiles).toEqual([{ path: 'lib/x' }]);
    expect(issues.map((i) => i.reason)).toEqual([
      'stanza at line 1: package ok: 2 paths with ".." segments',
      'stanza at line 1: package ok: 2 R: names that are not file names',
    ]);
  });

  it('binary garbage: issues, no throw', async () => {
    const { packages, issues } = await extract({ [db]: garbage(2 * 1024 * 1024) });
    expect(packages).toEqual([]);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path === db)).toBe(true);
  });

  it('many garbage stanzas around a good one: the good one survives, issues are bounded', async () => {
    const chunks = Array.from({ length: 500 }, (_, i) => garbage(512, i + 1));
    const bytes = Buffer.concat([...chunks.flatMap((c) => [c, Buffer.from('\n\n')]), Buffer.from(ok)]);
    const { packages, issues } = await extract({ [db]: bytes });
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    expect(issues).toHaveLength(21);
    expect(issues.at(-1)?.reason).toMatch(/^\d+ more problems in this file not listed$/u);
  });

  it('a line of 10 MB is skipped with an issue; the stanza and the rest still parse', async () => {
    const huge = `T:${'x'.repeat(10 * 1024 * 1024)}`;
    const { packages, issues } = await extract({ [db]: `P:big\nV:1\n${huge}\nA:x86_64\n\n${ok}${huge}\n` });
    expect(packages.map((p) => [p.name, p.arch])).toEqual([
      ['big', 'x86_64'],
      ['ok', 'x86_64'],
    ]);
    expect(issues.map((i) => i.reason)).toEqual([
      `stanza at line 1: package big: 1 line(s) longer than ${maxLineBytes} bytes skipped`,
      `stanza at line 6: package ok: 1 line(s) longer than ${maxLineBytes} bytes skipped`,
    ]);
  });

  it('a 10 MB line without P: is an issue, not a throw', async () => {
    const { packages, issues } = await extract({ [db]: `${'y'.repeat(10 * 1024 * 1024)}` });
    expect(packages).toEqual([]);
    expect(issues).toEqual([{ path: db, reason: `stanza at line 1: not a package record, no package name (P:); 1 line(s) longer than ${maxLineBytes} bytes skipped` }]);
  });

  it('caps the number of packages', async () => {
    const text = Array.from({ length: maxPackages + 5 }, (_, i) => `P:p${i}\nV:1`).join('\n\n');
    const { packages, issues } = await extract({ [db]: text });
    expect(packages).toHaveLength(maxPackages);
    expect(issues.map((i) => i.reason)).toEqual([`more than ${maxPackages} packages; the rest are ignored`]);
  });

  it('an empty or blank file has no packages and no issues', async () => {
    expect(await extract({ [db]: '' })).toEqual({ packages: [], issues: [] });
    expect(await extract({ [db]: '\n\n  \n' })).toEqual({ packages: [], issues: [] });
  });
});
