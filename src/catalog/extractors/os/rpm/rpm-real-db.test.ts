import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { viewOfFiles } from '../../../../../test/memory-view.js';
import { rpmExtractor } from './index.js';

/**
 * Databases written by Debian's real `rpm` (4.18): three tiny packages are built with rpmbuild and installed
 * with `--justdb` into a SQLite rpmdb; the extractor must list what `rpm -qa` / `rpm -ql` list. Debian's rpm
 * cannot write Berkeley DB any more (only the read-only `bdb_ro` backend is built) nor NDB, so the BDB cases are
 * written by libdb's own `db5.3_load` (package db5.3-util) from the same headers, in both byte orders, small and
 * default page sizes and with page checksums, and `rpm --define '_db_backend bdb_ro'` confirms it reads them.
 */

const SPECS: Record<string, string> = {
  alpha: `Name: alpha
Version: 1.0
Release: 1
Epoch: 2
Summary: Alpha test package
License: MIT AND (Apache-2.0 OR BSD-3-Clause)
Vendor: grout tests
BuildArch: noarch
Requires: beta >= 0.5
Requires: /bin/sh
%description
alpha
%install
mkdir -p %{buildroot}/usr/share/alpha %{buildroot}/etc
echo hello > %{buildroot}/usr/share/alpha/data.txt
echo key=value > %{buildroot}/etc/alpha.conf
%files
%dir /usr/share/alpha
/usr/share/alpha/data.txt
%config(noreplace) /etc/alpha.conf
`,
  beta: `Name: beta
Version: 0.5
Release: 3.el9
Summary: Beta
License: GPL-2.0-or-later
BuildArch: noarch
%description
beta
%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\\necho beta\\n' > %{buildroot}/usr/bin/beta
chmod 755 %{buildroot}/usr/bin/beta
%files
/usr/bin/beta
`,
  // Enough files that the header outgrows a 4 KiB Berkeley DB page and is stored in an overflow chain.
  gamma: `Name: gamma
Version: 3.2.1
Release: 0.1
Summary: Gamma
License: BSD
%description
gamma
%install
mkdir -p %{buildroot}/usr/lib/gamma/data %{buildroot}/var/log
echo lib > %{buildroot}/usr/lib/gamma/libgamma.so.1.0
ln -s libgamma.so.1.0 %{buildroot}/usr/lib/gamma/libgamma.so.1
for i in $(seq 1 120); do echo "$i" > %{buildroot}/usr/lib/gamma/data/file-with-a-longish-name-$i.txt; done
touch %{buildroot}/var/log/gamma.log
%files
/usr/lib/gamma
%ghost /var/log/gamma.log
`,
};

const DB_PATH = 'var/lib/rpm';

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let work = '';
let root = '';

function rpm(args: string[], backend = 'sqlite', dbRoot = root): string {
  return execFileSync('rpm', ['--root', dbRoot, '--dbpath', `/${DB_PATH}`, '--define', `_db_backend ${backend}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

async function extract(files: Record<string, Buffer>): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await rpmExtractor.extract({
    view: viewOfFiles(files),
    distro: undefined,
    issue: (path, reason) => issues.push(`${path}: ${reason}`),
  });
  return { packages, issues };
}

const QA_FORMAT = '%{NAME}|%{EPOCH}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}\\n';

/** The extractor's view of a package in the `QA_FORMAT` layout. */
function qaLine(p: ExtractedPackage): string {
  const m = p.metadata?.kind === 'rpm' ? p.metadata : undefined;
  const evr = p.version.replace(/^\d+:/, '');
  const release = m?.release ?? '';
  const version = evr.slice(0, evr.length - release.length - 1);
  return [p.name, m?.epoch ?? '(none)', m?.epoch ?? 0, version, release, p.arch, m?.sourceRpm, p.licenses[0]].join('|');
}

/**
 * What rpm says of one package's files: path, digest, mode, size, flags. Read with -qa (a walk of Packages):
 * the databases made by db5.3_load have no Name index for `rpm -q NAME`.
 */
function rpmFiles(name: string, backend: string, dbRoot: string): string[] {
  const format = '[%{=NAME}|%{FILENAMES}|%{FILEDIGESTS}|%{FILEMODES}|%{FILESIZES}|%{FILEFLAGS}\\n]';
  const out = rpm(['-qa', '--qf', format], backend, dbRoot);
  const prefix = `${name}|`;
  return out
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length));
}

function ourFiles(p: ExtractedPackage): string[] {
  return (p.ownedFiles ?? []).map((f) =>
    [`/${f.path}`, f.digest?.value ?? '', f.mode, f.size, f.config === true ? 'config' : ''].join('|'),
  );
}

function rpmFilesComparable(lines: string[]): string[] {
  return lines.map((line) => {
    const [path, digest, mode, size, flags] = line.split('|');
    return [path, digest, mode, size, (Number(flags) & 1) !== 0 ? 'config' : ''].join('|');
  });
}

describe('os/rpm against databases written by rpm itself', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'grout-rpm-'));
    root = join(work, 'root');
    mkdirSync(join(work, 'SPECS'), { recursive: true });
    mkdirSync(root);
    for (const [name, spec] of Object.entries(SPECS)) {
      const file = join(work, 'SPECS', `${name}.spec`);
      writeFileSync(file, spec);
      execFileSync(
        'rpmbuild',
        [
          '--define', `_topdir ${work}`,
          '--define', `_tmppath ${join(work, 'tmp')}`,
          '--define', 'debug_package %{nil}',
          '--define', '__os_install_post %{nil}',
          '--nodeps', '-bb', file,
        ],
        { stdio: 'ignore' },
      );
    }
    const rpms = ['noarch/alpha-1.0-1.noarch.rpm', 'noarch/beta-0.5-3.el9.noarch.rpm'].map((r) => join(work, 'RPMS', r));
    const gamma = execFileSync('sh', ['-c', `ls ${join(work, 'RPMS')}/*/gamma-*.rpm`], { encoding: 'utf8' }).trim();
    rpm(['-i', '--nodeps', '--justdb', ...rpms, gamma]);
  }, 120_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('lists what rpm -qa lists, with the files rpm -ql lists (SQLite)', async () => {
    const db = readFileSync(join(root, DB_PATH, 'rpmdb.sqlite'));
    const { packages, issues } = await extract({ [`${DB_PATH}/rpmdb.sqlite`]: db });
    expect(issues).toEqual([]);
    const qa = rpm(['-qa', '--qf', QA_FORMAT]).split('\n').filter((l) => l !== '');
    expect(packages.map(qaLine)).toEqual([...qa].sort());
    expect(packages.map((p) => p.version)).toEqual(['2:1.0-1', '0.5-3.el9', '3.2.1-0.1']);
    for (const p of packages) {
      const ql = rpm(['-ql', p.name]).split('\n').filter((l) => l !== '');
      expect((p.ownedFiles ?? []).map((f) => `/${f.path}`), p.name).toEqual(ql);
      expect(ourFiles(p), p.name).toEqual(rpmFilesComparable(rpmFiles(p.name, 'sqlite', root)));
    }
  });

  it('keeps %config, Requires, source and metadata from the real headers', async () => {
    const db = readFileSync(join(root, DB_PATH, 'rpmdb.sqlite'));
    const { packages } = await extract({ [`${DB_PATH}/rpmdb.sqlite`]: db });
    const alpha = packages.find((p) => p.name === 'alpha');
    expect(alpha?.ownedFiles?.find((f) => f.path === 'etc/alpha.conf')?.config).toBe(true);
    expect(alpha?.ownedFiles?.find((f) => f.path === 'usr/share/alpha/data.txt')?.config).toBeUndefined();
    // REQUIRENAME also lists rpmlib(...) features and config(alpha), which alpha provides itself: both dropped.
    const requires = rpm(['-q', '--qf', '[%{REQUIRENAME}\\n]', 'alpha']).split('\n').filter((l) => l !== '');
    const provides = rpm(['-q', '--qf', '[%{PROVIDENAME}\\n]', 'alpha']).split('\n').filter((l) => l !== '');
    expect(requires).toContain('config(alpha)');
    expect(provides).toContain('config(alpha)');
    expect(alpha?.dependsOn).toEqual(requires.filter((r) => !r.startsWith('rpmlib(') && !provides.includes(r)));
    expect(alpha?.metadata).toMatchObject({ provides });
    expect(alpha?.dependsOn).toEqual(['/bin/sh', 'beta']);
    expect(alpha?.source).toEqual({ name: 'alpha', version: '1.0-1' });
    expect(alpha?.licenses).toEqual(['MIT AND (Apache-2.0 OR BSD-3-Clause)']);
    const sigmd5 = rpm(['-q', '--qf', '%{SIGMD5}', 'alpha']);
    expect(alpha?.metadata).toMatchObject({
      kind: 'rpm',
      epoch: 2,
      release: '1',
      vendor: 'grout tests',
      summary: 'Alpha test package',
      sigmd5,
      sourceRpm: 'alpha-1.0-1.src.rpm',
      size: Number(rpm(['-q', '--qf', '%{SIZE}', 'alpha'])),
      dbInstance: Number(rpm(['-q', '--qf', '%{DBINSTANCE}', 'alpha'])),
    });
    const gamma = packages.find((p) => p.name === 'gamma');
    expect(gamma?.ownedFiles).toHaveLength(125);
    expect(gamma?.ownedFiles?.find((f) => f.path === 'usr/lib/gamma/libgamma.so.1')).toEqual({
      path: 'usr/lib/gamma/libgamma.so.1',
      size: 15,
      mode: 0o120777,
    });
  });

  describe.skipIf(!has('db5.3_load'))('Berkeley DB written by libdb (db5.3_load)', () => {
    /** A db_dump "bytevalue" file of the SQLite headers, keys in the given byte order, loaded by libdb. */
    function writeBdb(dir: string, littleEndian: boolean, config: string[]): Buffer {
      const source = new Database(join(root, DB_PATH, 'rpmdb.sqlite'), { readonly: true, fileMustExist: true });
      const rows = source.prepare('SELECT hnum, blob FROM Packages').raw().all() as [number, Buffer][];
      source.close();
      const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', 'HEADER=END'];
      for (const [hnum, blob] of rows) {
        const key = Buffer.alloc(4);
        if (littleEndian) key.writeUInt32LE(hnum);
        else key.writeUInt32BE(hnum);
        lines.push(` ${key.toString('hex')}`, ` ${blob.toString('hex')}`);
      }
      lines.push('DATA=END', '');
      const dbDir = join(work, dir, DB_PATH);
      mkdirSync(dbDir, { recursive: true });
      writeFileSync(join(work, `${dir}.dump`), lines.join('\n'));
      const args = ['-f', join(work, `${dir}.dump`), ...config.flatMap((c) => ['-c', c]), join(dbDir, 'Packages')];
      execFileSync('db5.3_load', args, { stdio: 'ignore' });
      return readFileSync(join(dbDir, 'Packages'));
    }

    it.each([
      { dir: 'bdb-le-512', littleEndian: true, config: ['db_pagesize=512'], rpmReads: true },
      { dir: 'bdb-le-4096', littleEndian: true, config: ['db_pagesize=4096'], rpmReads: true },
      { dir: 'bdb-be-512', littleEndian: false, config: ['db_lorder=4321', 'db_pagesize=512'], rpmReads: true },
      // rpm's bdb_ro cannot read checksummed pages; rpm never writes them, libdb can.
      { dir: 'bdb-le-chksum', littleEndian: true, config: ['chksum=1', 'db_pagesize=1024'], rpmReads: false },
    ])('$dir', async ({ dir, littleEndian, config, rpmReads }) => {
      const bytes = writeBdb(dir, littleEndian, config);
      expect(bytes.readUInt32LE(12) === 0x061561).toBe(littleEndian);
      const { packages, issues } = await extract({ [`${DB_PATH}/Packages`]: bytes });
      expect(issues).toEqual([]);
      const qa = rpm(['-qa', '--qf', QA_FORMAT]).split('\n').filter((l) => l !== '');
      expect(packages.map(qaLine)).toEqual([...qa].sort());
      if (rpmReads) {
        const bdbQa = rpm(['-qa', '--qf', QA_FORMAT], 'bdb_ro', join(work, dir)).split('\n').filter((l) => l !== '');
        expect(packages.map(qaLine)).toEqual([...bdbQa].sort());
        for (const p of packages) {
          expect(ourFiles(p), p.name).toEqual(rpmFilesComparable(rpmFiles(p.name, 'bdb_ro', join(work, dir))));
        }
      }
    });
  });
});
