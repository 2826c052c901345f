import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { viewOfDirectory } from '../../../../../test/memory-view.js';
import { opkgExtractor } from './index.js';

describe('opkgExtractor', () => {
  it.each([
    ['usr/lib/opkg/status', true],
    ['var/lib/opkg/status', true],
    ['usr/lib/opkg/info/busybox.list', true],
    ['usr/lib/opkg/info/busybox.control', false],
    ['usr/lib/opkg/info/a/b.list', false],
    ['usr/lib/opkg/lists/openwrt_core', false],
    ['var/lib/dpkg/status', false],
  ])('wants %s → %s', (path, wanted) => {
    expect(opkgExtractor.wants(path)).toBe(wanted);
  });

  it('reads the status file, the License field and info/<pkg>.list (path column only)', async () => {
    const root = fileURLToPath(new URL('./testdata/opkg-info', import.meta.url));
    const issues: string[] = [];
    const packages = await opkgExtractor.extract({
      view: viewOfDirectory(root, opkgExtractor.wants),
      distro: undefined,
      issue: (p, r) => issues.push(`${p}: ${r}`),
    });
    expect(issues).toEqual([]);
    expect(packages).toEqual([
      {
        ecosystem: 'deb',
        name: 'busybox',
        version: '1.36.1-r2',
        arch: 'x86_64',
        source: { name: 'busybox', version: '1.36.1-r2' },
        licenses: ['GPL-2.0-only'],
        evidence: 'usr/lib/opkg/status',
        dependsOn: ['libc'],
        metadata: { kind: 'dpkg', depends: ['libc'], status: 'install user installed' },
        ownedFiles: [
          { path: 'bin/busybox' },
          { path: 'bin/sh' },
          {
            path: 'etc/syslog.conf',
            digest: { algorithm: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
            config: true,
          },
        ],
      },
      {
        ecosystem: 'deb',
        name: 'libc',
        version: '1.2.4-r2',
        arch: 'x86_64',
        source: { name: 'libc', version: '1.2.4-r2' },
        licenses: [],
        evidence: 'usr/lib/opkg/status',
        metadata: { kind: 'dpkg', status: 'install hold installed' },
      },
    ]);
  });
});
