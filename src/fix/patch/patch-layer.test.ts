import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../image/index.js';
import { buildDeb } from '../deb/testdata/debs.js';
import { StatusFile } from './dpkg-status.js';
import { buildPatchLayer, MergedRootfs, resolveInRootfs, scriptWarnings } from './index.js';

const time = new Date('2025-01-01T00:00:00Z');
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'grout-patch-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Spec = string | Buffer | { symlink: string } | 'dir';

async function rootfsOf(files: Record<string, Spec>): Promise<MergedRootfs> {
  const entries: LayerEntry[] = Object.entries(files).map(([path, spec]) => {
    const content = Buffer.isBuffer(spec) ? spec : Buffer.from(typeof spec === 'string' && spec !== 'dir' ? spec : '');
    const base = { kind: 'node' as const, path, mode: 0o644, size: content.length, read: async () => content, stream: async function* () { yield content; } };
    if (spec === 'dir') return { ...base, type: 'dir' as const };
    if (typeof spec === 'object' && !Buffer.isBuffer(spec)) return { ...base, type: 'symlink' as const, linkTarget: spec.symlink };
    return { ...base, type: 'file' as const };
  });
  const view = new MergedRootfs();
  await view.applyLayer((async function* () { yield* entries; })(), 'test');
  return view;
}

function layerNames(file: string): string[] {
  return execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function layerFile(file: string, path: string): string {
  return execFileSync('tar', ['-xzOf', file, path], { encoding: 'utf8' });
}

const OLD_STATUS = `Package: aaa
Status: install ok installed
Version: 1
Architecture: all
Description: caf\xe9 in latin1 bytes stay as they are

Package: demo
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 1.0
Conffiles:
 /etc/demo/keep.conf ${md5('original\n')}
 /etc/demo/take.conf ${md5('original\n')}
 /etc/demo/gone.conf ${md5('old\n')}
Description: old demo

Package: zzz
Status: install ok installed
Version: 1
Architecture: all
Description: owns a file demo used to own
`;

function oldImage(extra: Record<string, Spec> = {}): Record<string, Spec> {
  return {
    etc: 'dir',
    'etc/demo': 'dir',
    'etc/demo/keep.conf': 'changed by the user\n',
    'etc/demo/take.conf': 'original\n',
    'etc/demo/gone.conf': 'old\n',
    usr: 'dir',
    'usr/bin': 'dir',
    'usr/bin/demo': 'v1',
    'usr/bin/shared': 'x',
    'usr/share': 'dir',
    'usr/share/demo-old': 'dir',
    'usr/share/demo-old/a': 'a',
    'usr/share/demo-old/sub': 'dir',
    'usr/share/demo-old/sub/b': 'b',
    'usr/share/mixed': 'dir',
    'usr/share/mixed/demo-file': 'd',
    'usr/share/mixed/other-file': 'o',
    var: 'dir',
    'var/lib': 'dir',
    'var/lib/dpkg': 'dir',
    'var/lib/dpkg/info': 'dir',
    'var/lib/dpkg/status': Buffer.from(OLD_STATUS, 'latin1'),
    'var/lib/dpkg/info/demo.list': ['/.', '/etc', '/etc/demo', '/etc/demo/keep.conf', '/etc/demo/take.conf', '/etc/demo/gone.conf', '/usr', '/usr/bin', '/usr/bin/demo', '/usr/bin/shared', '/usr/share', '/usr/share/demo-old', '/usr/share/demo-old/a', '/usr/share/demo-old/sub', '/usr/share/demo-old/sub/b', '/usr/share/mixed', '/usr/share/mixed/demo-file'].join('\n') + '\n',
    'var/lib/dpkg/info/demo.md5sums': `${md5('v1')}  usr/bin/demo\n`,
    'var/lib/dpkg/info/demo.postrm': '#!/bin/sh\n',
    'var/lib/dpkg/info/zzz.list': '/.\n/usr\n/usr/bin\n/usr/bin/shared\n',
    ...extra,
  };
}

function demoDeb(version = '2.0', extra: Partial<Parameters<typeof buildDeb>[0]> = {}): string {
  return buildDeb(
    {
      name: 'demo',
      version,
      files: [
        { path: 'etc/demo/keep.conf', content: 'new keep\n' },
        { path: 'etc/demo/take.conf', content: 'new take\n' },
        { path: 'usr/bin/demo', content: 'v2', mode: 0o755 },
      ],
      conffiles: ['/etc/demo/keep.conf', '/etc/demo/take.conf'],
      ...extra,
    },
    dir,
  );
}

describe('buildPatchLayer on a small image', () => {
  it('keeps changed conffiles, takes unchanged ones, keeps dropped ones as obsolete, removes what nobody owns', async () => {
    const rootfs = await rootfsOf(oldImage());
    const layer = await buildPatchLayer({ rootfs, debs: [demoDeb()], out: join(dir, 'l1.tgz'), time });
    expect(layer.keptConffiles).toEqual(['etc/demo/keep.conf']);
    const names = layerNames(layer.file);
    expect(names).toContain('etc/demo/keep.conf.dpkg-dist');
    expect(names).not.toContain('etc/demo/keep.conf');
    expect(layerFile(layer.file, 'etc/demo/take.conf')).toBe('new take\n');
    // demo-old is emptied entirely: one whiteout for the directory. mixed keeps another file: only demo-file goes.
    // usr/bin/shared is owned by zzz as well; gone.conf is a conffile, kept as obsolete. The old postrm goes.
    expect(layer.removed).toEqual(['usr/share/demo-old', 'usr/share/mixed/demo-file', 'var/lib/dpkg/info/demo.postrm']);
    expect(names).toContain('usr/share/.wh.demo-old');
    const status = layerFile(layer.file, 'var/lib/dpkg/status');
    const demo = status.split('\n\n').find((p) => p.startsWith('Package: demo\n'))!;
    expect(demo).toContain(`Conffiles:\n /etc/demo/keep.conf ${md5('new keep\n')}\n /etc/demo/take.conf ${md5('new take\n')}\n /etc/demo/gone.conf ${md5('old\n')} obsolete\n`);
    expect(demo).toContain('\nVersion: 2.0\n');
    // Untouched paragraphs keep their bytes, even ones that are not UTF-8.
    const raw = execFileSync('tar', ['-xzOf', layer.file, 'var/lib/dpkg/status']);
    expect(raw.toString('latin1').startsWith(OLD_STATUS.split('\n\n')[0]!)).toBe(true);
    expect(raw.toString('latin1').endsWith(OLD_STATUS.split('\n\n')[2]!)).toBe(true);
    expect(layerFile(layer.file, 'var/lib/dpkg/info/demo.list')).toBe('/.\n/etc\n/etc/demo\n/etc/demo/keep.conf\n/etc/demo/take.conf\n/usr\n/usr/bin\n/usr/bin/demo\n');
    expect(layer.changes).toEqual([{ package: 'demo', architecture: 'amd64', from: '1.0', to: '2.0', deb: expect.any(String), database: 'status' }]);
  });

  it('is reproducible: the same input gives the same layer digest', async () => {
    const deb = demoDeb('2.1');
    const a = await buildPatchLayer({ rootfs: await rootfsOf(oldImage()), debs: [deb], out: join(dir, 'ra.tgz'), time });
    const b = await buildPatchLayer({ rootfs: await rootfsOf(oldImage()), debs: [deb], out: join(dir, 'rb.tgz'), time });
    expect(a.digest).toBe(b.digest);
    expect(a.diffId).toBe(b.diffId);
  });

  it('generates md5sums when a package ships none, and names info files pkg:arch for Multi-Arch: same', async () => {
    const deb = buildDeb({ name: 'newlib', version: '1', multiArch: 'same', md5sums: false, files: [{ path: 'usr/lib/newlib.so', content: 'elf' }] }, dir);
    const layer = await buildPatchLayer({ rootfs: await rootfsOf(oldImage()), debs: [deb], out: join(dir, 'l2.tgz'), time });
    expect(layerFile(layer.file, 'var/lib/dpkg/info/newlib:amd64.md5sums')).toBe(`${md5('elf')}  usr/lib/newlib.so\n`);
    const status = layerFile(layer.file, 'var/lib/dpkg/status');
    expect(status.split('\n\n').map((p) => /^Package: (.*)$/m.exec(p)?.[1])).toEqual(['aaa', 'demo', 'newlib', 'zzz']);
    expect(layer.removed).toEqual([]);
  });

  it('follows symlinked directories of the image (usrmerge) for files and whiteouts', async () => {
    const rootfs = await rootfsOf({ ...oldImage(), lib: { symlink: 'usr/lib' }, 'usr/lib': 'dir', 'usr/lib/old.so': 'x', 'var/lib/dpkg/info/demo.list': '/.\n/lib\n/lib/old.so\n' });
    const deb = demoDeb('3.0', { files: [{ path: 'lib/new.so', content: 'y' }], conffiles: [] });
    const layer = await buildPatchLayer({ rootfs, debs: [deb], out: join(dir, 'l3.tgz'), time });
    const names = layerNames(layer.file);
    expect(names).toContain('usr/lib/new.so');
    expect(names.filter((n) => n === 'lib/' || n.startsWith('lib/'))).toEqual([]);
    expect(layer.removed).toContain('usr/lib/old.so');
    expect(resolveInRootfs(rootfs, 'lib/x/../new.so')).toBe('usr/lib/new.so');
  });

  it('updates a distroless image in its own format (status.d/<pkg> and .md5sums)', async () => {
    const rootfs = await rootfsOf({
      'var/lib/dpkg/status.d': 'dir',
      'var/lib/dpkg/status.d/demo': 'Package: demo\nVersion: 1.0\nArchitecture: amd64\n',
      'var/lib/dpkg/status.d/demo.md5sums': `${md5('v1')}  usr/bin/demo\n${md5('o')}  usr/bin/old-tool\n`,
      'var/lib/dpkg/status.d/other': 'Package: other\nVersion: 1\nArchitecture: amd64\n',
      'usr/bin/demo': 'v1',
      'usr/bin/old-tool': 'o',
    });
    const layer = await buildPatchLayer({ rootfs, debs: [demoDeb('2.0', { conffiles: [] }), buildDeb({ name: 'fresh', version: '1', files: [{ path: 'usr/bin/fresh', content: 'f' }] }, dir)], out: join(dir, 'l4.tgz'), time });
    expect(layer.changes.map((c) => [c.package, c.from, c.to, c.database])).toEqual([
      ['demo', '1.0', '2.0', 'status.d'],
      ['fresh', undefined, '1', 'status.d'],
    ]);
    expect(layerFile(layer.file, 'var/lib/dpkg/status.d/demo')).toMatch(/^Package: demo\nVersion: 2\.0\n/);
    expect(layerFile(layer.file, 'var/lib/dpkg/status.d/demo.md5sums')).toContain(`${md5('v2')}  usr/bin/demo`);
    expect(layerFile(layer.file, 'var/lib/dpkg/status.d/fresh')).toContain('Package: fresh');
    expect(layer.removed).toEqual(['usr/bin/old-tool']);
    expect(layerNames(layer.file)).not.toContain('var/lib/dpkg/status');
  });

  it('fails clearly without a dpkg database, and on the same package given twice', async () => {
    const deb = demoDeb('4.0');
    await expect(buildPatchLayer({ rootfs: await rootfsOf({ 'etc/alpine-release': '3.20' }), debs: [deb], out: join(dir, 'x.tgz'), time })).rejects.toMatchObject({ code: 'E_IMAGE_FORMAT' });
    await expect(buildPatchLayer({ rootfs: await rootfsOf(oldImage()), debs: [deb, deb], out: join(dir, 'y.tgz'), time })).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('scriptWarnings', () => {
  const warn = (text: string): string[] => scriptWarnings({ package: 'p', version: '1', scripts: [{ name: 'postinst', text }] });
  it.each([
    ['#!/bin/sh\nset -e\nldconfig\nexit 0\n'],
    ['#!/bin/sh\nset -e\n# Automatically added by dh_makeshlibs\nif [ "$1" = "configure" ]; then\n\tldconfig\nfi\n# End automatically added section\n'],
    ['#!/bin/sh\nset -e\ncase "$1" in\n  configure)\n    dpkg-trigger --no-await ldconfig\n    ;;\nesac\n'],
  ])('harmless: %j', (text) => expect(warn(text)).toEqual([]));
  it.each([['#!/bin/sh\nset -e\nupdate-alternatives --install /usr/bin/x x /usr/bin/y 10\n', 'update-alternatives'], ['#!/bin/sh\nadduser --system foo\n', 'adduser']])(
    'warns: %j',
    (text, word) => expect(warn(text)[0]).toContain(word),
  );
  it('ignores prerm/postrm', () => expect(scriptWarnings({ package: 'p', version: '1', scripts: [{ name: 'postrm', text: 'rm -rf /var/x' }] })).toEqual([]));
});

describe('StatusFile', () => {
  it.each([['a'], ['Package: a\n'], ['Package: a\n\n\nPackage: b\nX: y\n continued\n\n'], ['Package: a\r\nX: 1\r\n\r\nPackage: b\r\n'], ['\n\nPackage: a']])('round-trips %j byte for byte', (text) => {
    expect(StatusFile.parse(text).toString()).toBe(text);
  });
});
