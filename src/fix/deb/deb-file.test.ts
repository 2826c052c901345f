import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

type Spec = { name: string; type?: 'link' | 'character-device' | 'block-device' | 'fifo'; linkname?: string; devmajor?: number; devminor?: number; content?: string };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGroutError } from '../../core/errors.js';
import { debDataEntries, readDebControl, readDebMember } from './deb-file.js';
import { buildDeb, downloadDeb, dpkgDebContents } from './testdata/debs.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'grout-deb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entriesOf(deb: string): Promise<{ path: string; type: string; size: number; link?: string; md5?: string }[]> {
  const out = [];
  for await (const e of debDataEntries(deb)) {
    const md5 = e.type === 'file' ? createHash('md5').update(await e.read()).digest('hex') : undefined;
    out.push({ path: e.path, type: e.type, size: e.size, ...(e.linkTarget !== undefined ? { link: e.linkTarget } : {}), ...(md5 ? { md5 } : {}) });
  }
  return out;
}

function dpkgField(deb: string, field: string): string {
  return execFileSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' }).trim();
}

describe('real packages from the archive', () => {
  for (const name of ['zlib1g', 'libzstd1']) {
    it(`${name}: entries match dpkg-deb -c, control matches dpkg-deb -f, files match md5sums`, async () => {
      const deb = downloadDeb(name);
      const ours = await entriesOf(deb);
      expect(ours.map(({ md5: _, ...rest }) => rest)).toEqual(dpkgDebContents(deb));
      const control = await readDebControl(deb);
      expect(control.package).toBe(name);
      expect(control.version).toBe(dpkgField(deb, 'Version'));
      expect(control.architecture).toBe(dpkgField(deb, 'Architecture'));
      expect(control.multiArch).toBe('same');
      for (const f of ['Maintainer', 'Depends', 'Source', 'Installed-Size', 'Description']) {
        expect(control.fields.find((x) => x.name === f)?.value.replace(/\n /g, '\n')).toBe(dpkgField(deb, f).replace(/\n /g, '\n'));
      }
      expect(control.text).toBe(execFileSync('dpkg-deb', ['-I', deb, 'control'], { encoding: 'utf8' }));
      expect(control.md5sums?.size).toBeGreaterThan(0);
      for (const e of ours) if (e.md5 && control.md5sums?.has(e.path)) expect(control.md5sums.get(e.path)).toBe(e.md5);
      expect([...(control.md5sums?.keys() ?? [])].every((p) => ours.some((e) => e.path === p))).toBe(true);
      expect(control.scripts.map((s) => s.name)).toEqual(control.members.filter((m) => ['preinst', 'postinst', 'prerm', 'postrm'].includes(m.name)).map((m) => m.name));
    });
  }

  it('reads one file: the changelog, byte-identical to dpkg-deb --fsys-tarfile', async () => {
    const deb = downloadDeb('zlib1g');
    const path = './usr/share/doc/zlib1g/changelog.Debian.gz';
    const ours = await readDebMember(deb, path);
    const theirs = execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xOf - "$2"`, 'sh', deb, path], { maxBuffer: 1 << 26 });
    expect(ours?.equals(theirs)).toBe(true);
    expect(await readDebMember(deb, 'usr/share/doc/zlib1g/nothing-here')).toBeUndefined();
  });
});

describe('packages built with dpkg-deb', () => {
  it('xz: a read that stops at the first file leaves the decompressor free for the next package', async () => {
    // xz-decompress serialises its streams on one mutex; a stream abandoned mid-way used to hold it for ever.
    const big = { path: 'usr/share/demo/noise', content: Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 2654435761) >>> 24)) };
    const debs = [1, 2].map((n) =>
      buildDeb({ name: `grout-early-${n}`, version: '1.0-1', files: [{ path: 'etc/early', content: `${n}\n` }, big], compression: 'xz' }, dir),
    );
    for (const deb of debs) expect(await readDebMember(deb, 'etc/early')).toBeDefined();
    for (const deb of debs) expect(await readDebMember(deb, 'usr/share/demo/absent')).toBeUndefined();
  }, 30_000);

  for (const compression of ['gzip', 'xz', 'zstd', 'none'] as const) {
    it(`${compression}: entries, control, conffiles and scripts`, async () => {
      const deb = buildDeb(
        {
          name: `grout-demo-${compression}`,
          version: '1:2.0-1',
          multiArch: 'same',
          files: [
            { path: 'usr/bin/demo', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
            { path: 'etc/demo.conf', content: 'a=1\n' },
            { path: 'usr/share/doc/demo/README', content: 'x'.repeat(70_000) },
          ],
          symlinks: [{ path: 'usr/lib/demo.so', target: '/usr/bin/demo' }],
          conffiles: ['/etc/demo.conf'],
          scripts: { postinst: '#!/bin/sh\nset -e\nldconfig\n', prerm: '#!/bin/sh\nexit 0\n' },
          control: { triggers: 'activate-noawait ldconfig\n' },
          compression,
        },
        dir,
      );
      expect((await entriesOf(deb)).map(({ md5: _, ...rest }) => rest)).toEqual(dpkgDebContents(deb));
      const control = await readDebControl(deb);
      expect(control.version).toBe('1:2.0-1');
      expect(control.conffiles).toEqual(['etc/demo.conf']);
      expect(control.scripts).toEqual([
        { name: 'postinst', text: '#!/bin/sh\nset -e\nldconfig\n' },
        { name: 'prerm', text: '#!/bin/sh\nexit 0\n' },
      ]);
      expect(control.members.map((m) => m.name).sort()).toEqual(['conffiles', 'md5sums', 'postinst', 'prerm', 'triggers']);
      expect([...(control.md5sums?.keys() ?? [])].sort()).toEqual(['usr/bin/demo', 'usr/share/doc/demo/README']);
      expect(control.fields.find((f) => f.name === 'Description')?.value).toBe('test package grout-demo-' + compression + '\n Built by the grout test suite.\n .\n Second paragraph.');
      expect(await readDebMember(deb, '/usr/share/doc/demo/README')).toEqual(Buffer.from('x'.repeat(70_000)));
    });
  }
});

// Hostile packages: an ar archive written by hand around tars written by tar-stream, which writes any name.
function ar(members: { name: string; data: Buffer<ArrayBufferLike>; size?: number }[]): Buffer {
  const parts: Buffer<ArrayBufferLike>[] = [Buffer.from('!<arch>\n')];
  for (const m of members) {
    const header = `${m.name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(m.size ?? m.data.length).padEnd(10)}\`\n`;
    parts.push(Buffer.from(header, 'latin1'), m.data);
    if (m.data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

async function tar(entries: Spec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const { content, ...h } of entries) p.entry(h as Parameters<typeof p.entry>[0], content ?? '');
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function hostileDeb(name: string, data: Spec[], tweak?: (members: { name: string; data: Buffer<ArrayBufferLike>; size?: number }[]) => void): Promise<string> {
  const control = gzipSync(await tar([{ name: './control', content: 'Package: evil\nVersion: 1\nArchitecture: all\n' }]));
  const members: { name: string; data: Buffer<ArrayBufferLike>; size?: number }[] = [
    { name: 'debian-binary', data: Buffer.from('2.0\n') },
    { name: 'control.tar.gz', data: control },
    { name: 'data.tar.gz', data: gzipSync(await tar(data)) },
  ];
  tweak?.(members);
  const file = join(dir, name);
  writeFileSync(file, ar(members));
  return file;
}

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (err) {
    if (!isGroutError(err)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a failure');
}

async function drain(deb: string, limits = {}): Promise<void> {
  for await (const e of debDataEntries(deb, limits)) if (e.type === 'file') await e.read();
}

describe('hostile packages', () => {
  it('bad ar magic', async () => {
    const file = join(dir, 'not-ar.deb');
    writeFileSync(file, 'PK\x03\x04 definitely a zip');
    const f = await failure(() => readDebControl(file));
    expect(f).toMatchObject({ code: 'E_INPUT_FORMAT' });
    expect(f.message).toContain(file);
    expect(f.message).toContain('bad magic');
  });

  it('a member size beyond the file', async () => {
    const file = await hostileDeb('too-big-member.deb', [{ name: './a', content: 'x' }], (m) => {
      m[2]!.size = 999_999_999;
    });
    const f = await failure(() => drain(file));
    expect(f.code).toBe('E_INPUT_FORMAT');
    expect(f.message).toMatch(/beyond the end of the file/);
    expect(f.message).toContain(file);
  });

  it('a non-numeric member size, a truncated header, a missing data member', async () => {
    const bad = await hostileDeb('bad-size.deb', [], (m) => {
      m[1]!.size = -5;
    });
    expect((await failure(() => readDebControl(bad))).message).toMatch(/bad ar member size/);
    const truncated = join(dir, 'truncated.deb');
    writeFileSync(truncated, Buffer.from('!<arch>\ndebian-binary   0'));
    expect((await failure(() => readDebControl(truncated))).message).toMatch(/truncated ar member header/);
    const noData = await hostileDeb('no-data.deb', [], (m) => m.pop());
    expect((await failure(() => drain(noData))).message).toMatch(/no data.tar member/);
    const wrongFirst = await hostileDeb('wrong-first.deb', [], (m) => m.shift());
    expect((await failure(() => readDebControl(wrongFirst))).message).toMatch(/first member is not debian-binary/);
  });

  it('path traversal and absolute paths', async () => {
    for (const name of ['../etc/passwd', './usr/../../etc/shadow', '/etc/passwd']) {
      const file = await hostileDeb(`trav-${createHash('md5').update(name).digest('hex')}.deb`, [{ name: './' }, { name, content: 'root::0:0' }]);
      const f = await failure(() => drain(file));
      expect(f.code).toBe('E_UNSAFE_PATH');
      expect(f.message).toContain(file);
    }
    const link = await hostileDeb('hardlink-out.deb', [{ name: './a', type: 'link', linkname: '../../etc/shadow' }]);
    expect((await failure(() => drain(link))).code).toBe('E_UNSAFE_PATH');
  });

  it('device nodes and fifos', async () => {
    for (const type of ['character-device', 'block-device', 'fifo'] as const) {
      const file = await hostileDeb(`dev-${type}.deb`, [{ name: './dev/sda', type, devmajor: 8, devminor: 0 }]);
      const f = await failure(() => drain(file));
      expect(f.code).toBe('E_UNSAFE_PATH');
      expect(f.message).toContain(type);
    }
  });

  it('huge entries', async () => {
    const file = await hostileDeb('huge.deb', [{ name: './big', content: 'x'.repeat(5000) }]);
    const f = await failure(() => drain(file, { maxEntryBytes: 4096 }));
    expect(f.code).toBe('E_TOO_LARGE');
    expect(f.message).toContain(file);
    await expect(drain(file)).resolves.toBeUndefined();
  });

  it('a corrupt compressed data member', async () => {
    const file = await hostileDeb('corrupt.deb', [{ name: './a', content: 'x' }], (m) => {
      m[2]!.data = Buffer.concat([Buffer.from(m[2]!.data.subarray(0, 20)), Buffer.alloc(40, 7)]);
    });
    const f = await failure(() => drain(file));
    expect(f.code).toBe('E_INPUT_FORMAT');
    expect(f.message).toContain(file);
  });

  it('a control file without a version', async () => {
    const file = await hostileDeb('no-version.deb', [], (m) => {
      m[1]!.data = gzipSync(Buffer.alloc(0));
    });
    expect((await failure(() => readDebControl(file))).message).toMatch(/no control file|cannot read/);
  });
});
