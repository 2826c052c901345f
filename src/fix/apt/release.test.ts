import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readKeyFile } from './keyring.js';
import { parseRelease, releaseBase, verifyClearsigned } from './release.js';
import type { AptSource } from './sources.js';

const HASH = 'ab'.repeat(32);

describe('parseRelease', () => {
  it('reads the fields grout uses and the SHA256 list', () => {
    const fields = parseRelease(
      [
        'Origin: Debian',
        'Suite: oldstable',
        'Codename: bookworm',
        'Date: Sat, 11 Jul 2026 10:16:37 UTC',
        'Valid-Until: Sat, 18 Jul 2026 10:16:37 UTC',
        'Acquire-By-Hash: yes',
        'No-Support-for-Architecture-all: Packages',
        'Architectures: all amd64 arm64',
        'Components: main contrib',
        'MD5Sum:',
        ' 0123 12 main/binary-amd64/Packages',
        'SHA256:',
        ` ${HASH}   1234 main/binary-amd64/Packages.xz`,
        ` ${HASH.toUpperCase()} 99 main/binary-all/Packages`,
        '',
      ].join('\n'),
      'R',
    );
    expect(fields).toMatchObject({
      origin: 'Debian',
      suite: 'oldstable',
      codename: 'bookworm',
      date: new Date('2026-07-11T10:16:37Z'),
      validUntil: new Date('2026-07-18T10:16:37Z'),
      acquireByHash: true,
      separateArchAll: false, // the amd64 index holds the arch:all packages: binary-all is a copy
      architectures: ['all', 'amd64', 'arm64'],
      components: ['main', 'contrib'],
    });
    expect([...fields.files]).toEqual([
      ['main/binary-amd64/Packages.xz', { size: 1234, sha256: HASH }],
      ['main/binary-all/Packages', { size: 99, sha256: HASH }],
    ]);
  });

  it('rejects release files it cannot trust to describe the indexes', () => {
    expect(() => parseRelease('Origin: x\nMD5Sum:\n 00 1 a\n', 'R')).toThrow('R has no SHA256 file list');
    expect(() => parseRelease('SHA256:\n nothex 1 a\n', 'R')).toThrow(/R: bad SHA256 line/);
    expect(() => parseRelease('Date: yesterday\nSHA256:\n', 'R')).toThrow('R: Date is not a date: "yesterday"');
    expect(() => parseRelease('just garbage\n', 'R')).toThrow(/not a release file field/);
  });

  it('reads binary-all only when the release has `all` and no No-Support-for-Architecture-all: Packages', () => {
    const sep = (head: string): boolean => parseRelease(`${head}SHA256:\n`, 'R').separateArchAll;
    expect(sep('Architectures: all amd64\n')).toBe(true);
    expect(sep('Architectures: all amd64\nNo-Support-for-Architecture-all: Packages\n')).toBe(false);
    expect(sep('Architectures: amd64\n')).toBe(false);
  });

  it('places flat repositories and suites', () => {
    const source = (suite: string): AptSource => ({ origin: 'o', uri: 'http://h/d', suite, components: [], trusted: false, checkValidUntil: true });
    expect(releaseBase(source('bookworm'))).toBe('http://h/d/dists/bookworm/');
    expect(releaseBase(source('./'))).toBe('http://h/d/');
    expect(releaseBase(source('sub/'))).toBe('http://h/d/sub/');
  });
});

// The machine's own apt lists and Debian's keyring, where present: a real InRelease, signed by Debian's keys.
const LIST = '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

describe.skipIf(!existsSync(LIST) || !existsSync(KEYRING))("a real Debian InRelease and Debian's archive keyring", () => {
  it("verifies with Debian's keys and refuses a changed byte", async () => {
    const armored = readFileSync(LIST, 'utf8');
    const keys = await readKeyFile({ name: KEYRING, bytes: readFileSync(KEYRING) });
    const at = new Date(Date.parse(/^Date: (.*)$/m.exec(armored)?.[1] ?? '') + 3600_000);
    const { text, signers } = await verifyClearsigned(armored, keys, LIST, at);
    expect(signers.length).toBeGreaterThan(0);
    const release = parseRelease(text, LIST);
    expect(release.codename).toBe('bookworm');
    expect(release.files.size).toBeGreaterThan(100);
    await expect(verifyClearsigned(armored.replace('Codename: bookworm', 'Codename: bookwurm'), keys, LIST, at)).rejects.toThrow(/^bad signature on /);
  });
});
