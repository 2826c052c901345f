import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage, InventoryIssue, RpmMetadata } from '../../../../core/model.js';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { viewOfDirectory, viewOfFiles } from '../../../../../test/memory-view.js';
import type { FileView } from '../../../extractor.js';
import { rpmExtractor } from './index.js';
import { writeHeader } from './testdata/header-writer.js';
import { RpmTag } from './tags.js';

/** Expectations transcribed from go-rpmdb, syft and scalibr tests (see os-pkgdb/README.md); absent = not asserted. */
interface ExpectedPackage {
  name: string;
  epoch?: number | null;
  version?: string;
  release?: string;
  arch?: string;
  source_rpm?: string;
  license?: string;
  licenses?: string[] | { $elts: string[] };
  vendor?: string;
  size?: number;
  summary?: string;
  sigmd5?: string;
  modularity_label?: string;
  provides?: string[];
  requires?: string[];
  file_count?: number;
  version_string?: string;
}

interface ExpectedFile {
  Path: string;
  Mode: number;
  Size: number;
  Digest: string;
  Flags: number;
}

interface Expectation {
  name: string;
  expect_error: boolean;
  package_count?: number;
  packages?: ExpectedPackage[];
  package?: ExpectedPackage;
  installed_files?: ExpectedFile[];
  installed_file_names?: string[];
}

interface ExpectedCase {
  expectations: Expectation[];
  cross_check_full_list?: { package_count: number; packages: ExpectedPackage[] };
}

interface IndexCase {
  id: string;
  input: string;
  expected: string;
}

const pkgdb = (...parts: string[]): string => peerFixtures('os-pkgdb', ...parts);
const index = JSON.parse(readFileSync(pkgdb('index.json'), 'utf8')) as { cases: IndexCase[] };
const rpmCases = index.cases.filter((c) => c.id.startsWith('rpm/'));

async function run(view: FileView): Promise<{ packages: ExtractedPackage[]; issues: InventoryIssue[] }> {
  const issues: InventoryIssue[] = [];
  const packages = await rpmExtractor.extract({
    view,
    distro: undefined,
    issue: (path, reason) => issues.push({ path, stage: 'os/rpm@1', reason }),
  });
  return { packages, issues };
}

function meta(pkg: ExtractedPackage): RpmMetadata {
  if (pkg.metadata?.kind !== 'rpm') throw new Error(`${pkg.name} has no rpm metadata`);
  return pkg.metadata;
}

/** Compare every field the expectation asserts. */
function expectPackage(got: ExtractedPackage | undefined, want: ExpectedPackage): void {
  expect(got, want.name).toBeDefined();
  if (got === undefined) return;
  const m = meta(got);
  const label = `${want.name} ${got.version}`;
  if (want.version !== undefined && want.release !== undefined) {
    const epoch = want.epoch ?? undefined;
    expect(got.version, label).toBe(`${epoch === undefined ? '' : `${epoch}:`}${want.version}-${want.release}`);
    expect(m.release, label).toBe(want.release);
  }
  if (want.epoch !== undefined) expect(m.epoch, label).toBe(want.epoch ?? undefined);
  if (want.arch !== undefined) expect(got.arch, label).toBe(want.arch);
  if (want.source_rpm !== undefined) expect(m.sourceRpm, label).toBe(want.source_rpm);
  if (want.license !== undefined) expect(got.licenses, label).toEqual([want.license]);
  if (want.licenses !== undefined) {
    expect(got.licenses, label).toEqual(Array.isArray(want.licenses) ? want.licenses : want.licenses.$elts);
  }
  const orUndefined = (s: string | undefined): string | undefined => (s === '' ? undefined : s);
  if (want.vendor !== undefined) expect(m.vendor, label).toBe(orUndefined(want.vendor));
  if (want.size !== undefined) expect(m.size, label).toBe(want.size);
  if (want.summary !== undefined) expect(m.summary, label).toBe(want.summary);
  if (want.sigmd5 !== undefined) expect(m.sigmd5, label).toBe(want.sigmd5);
  if (want.modularity_label !== undefined) expect(m.modularityLabel, label).toBe(orUndefined(want.modularity_label));
  if (want.provides !== undefined) expect(m.provides, label).toEqual([...new Set(want.provides)]);
  if (want.file_count !== undefined) expect(got.ownedFiles?.length ?? 0, label).toBe(want.file_count);
  if (want.version_string !== undefined) expect(got.version, label).toBe(want.version_string);
  if (want.requires !== undefined) {
    const own = new Set([...(m.provides ?? []), ...(got.ownedFiles ?? []).map((f) => `/${f.path}`)]);
    const wantDeps = [...new Set(want.requires.filter((r) => !r.startsWith('rpmlib(') && !own.has(r)))];
    expect(got.dependsOn ?? [], label).toEqual(wantDeps);
  }
  if (want.source_rpm !== undefined) {
    const stem = want.source_rpm.replace(/\.src\.rpm$/, '');
    const [, name, ver] = /^(.+)-([^-]+-[^-]+)$/.exec(stem) ?? [];
    expect(got.source, label).toEqual({ name, version: ver });
  }
}

function expectFiles(got: ExtractedPackage, files: ExpectedFile[], names: string[] | undefined): void {
  const owned = got.ownedFiles ?? [];
  expect(owned.map((f) => `/${f.path}`)).toEqual(files.map((f) => f.Path));
  if (names !== undefined) expect(owned.map((f) => `/${f.path}`)).toEqual(names);
  files.forEach((want, i) => {
    const file = owned[i];
    expect(file?.mode, want.Path).toBe(want.Mode);
    expect(file?.size, want.Path).toBe(want.Size);
    expect(file?.digest, want.Path).toEqual(want.Digest === '' ? undefined : { algorithm: 'sha256', value: want.Digest });
    expect(file?.config ?? false, want.Path).toBe((want.Flags & 1) !== 0);
  });
}

describe('os/rpm against the peer fixtures (os-pkgdb/index.json)', () => {
  it('covers the BDB, NDB and SQLite cases', () => {
    expect(rpmCases.map((c) => c.id).sort()).toEqual([
      'rpm/go-rpmdb-cbl-mariner-2.0',
      'rpm/go-rpmdb-libuuid',
      'rpm/go-rpmdb-sle15-bci',
      'rpm/scalibr-Packages_epoch',
      'rpm/syft-Packages',
    ]);
  });

  describe.each(rpmCases)('$id', (c) => {
    const caseDir = dirname(pkgdb(c.expected));
    const expected = JSON.parse(readFileSync(pkgdb(c.expected), 'utf8')) as ExpectedCase;
    const evidence = c.input.slice(c.id.length + 1);

    it.each(expected.expectations)('$name', async (want) => {
      const { packages, issues } = await run(viewOfDirectory(caseDir, rpmExtractor.wants));
      expect(issues).toEqual([]);
      expect(want.expect_error).toBe(false);
      expect(packages.every((p) => p.evidence === evidence && p.ecosystem === 'rpm')).toBe(true);
      if (want.package_count !== undefined) expect(packages).toHaveLength(want.package_count);
      for (const wantPkg of want.packages ?? []) {
        expectPackage(
          packages.find((p) => p.name === wantPkg.name && meta(p).release === (wantPkg.release ?? meta(p).release)),
          wantPkg,
        );
      }
      if (want.package !== undefined) {
        const got = packages.find((p) => p.name === want.package?.name);
        expectPackage(got, want.package);
        if (got !== undefined && want.installed_files !== undefined) expectFiles(got, want.installed_files, want.installed_file_names);
      }
    });

    if (expected.cross_check_full_list !== undefined) {
      const full = expected.cross_check_full_list;
      it(`matches rpm -qa exactly (${full.package_count} packages)`, async () => {
        const { packages } = await run(viewOfDirectory(caseDir, rpmExtractor.wants));
        const row = (p: {
          name: string;
          epoch: number | null | undefined;
          version: string;
          release: string;
          arch: string | undefined;
          source_rpm: string | undefined;
          license: string | undefined;
        }): string => JSON.stringify([p.name, p.epoch ?? null, p.version, p.release, p.arch, p.source_rpm, p.license]);
        const got = packages.map((p) => {
          const m = meta(p);
          const evr = p.version.replace(/^\d+:/, '');
          return row({
            name: p.name,
            epoch: m.epoch,
            version: evr.slice(0, evr.length - m.release.length - 1),
            release: m.release,
            arch: p.arch,
            source_rpm: m.sourceRpm,
            license: p.licenses[0],
          });
        });
        const want = full.packages.map((p) =>
          row({ ...p, epoch: p.epoch, version: p.version ?? '', release: p.release ?? '', arch: p.arch, source_rpm: p.source_rpm, license: p.license }),
        );
        expect(got).toHaveLength(full.package_count);
        expect([...got].sort()).toEqual([...want].sort());
      });
    }
  });
});

describe('os/rpm extractor', () => {
  const header = (name: string, version: string, extra: Parameters<typeof writeHeader>[0] = []): Buffer =>
    writeHeader([
      { tag: RpmTag.NAME, value: { type: 'string', value: name } },
      { tag: RpmTag.VERSION, value: { type: 'string', value: version } },
      { tag: RpmTag.RELEASE, value: { type: 'string', value: '1' } },
      { tag: RpmTag.ARCH, value: { type: 'string', value: 'x86_64' } },
      ...extra,
    ]);

  it('wants only the rpm database paths', () => {
    expect(rpmExtractor.wants('var/lib/rpm/Packages')).toBe(true);
    expect(rpmExtractor.wants('var/lib/rpm/rpmdb.sqlite')).toBe(true);
    expect(rpmExtractor.wants('usr/lib/sysimage/rpm/Packages.db')).toBe(true);
    expect(rpmExtractor.wants('usr/lib/sysimage/rpm/rpmdb.sqlite')).toBe(true);
    expect(rpmExtractor.wants('var/lib/rpm/Packages.db')).toBe(true);
    expect(rpmExtractor.wants('usr/lib/sysimage/rpm/Packages')).toBe(true);
    expect(rpmExtractor.wants('var/lib/rpm/Name')).toBe(false);
    expect(rpmExtractor.wants('/var/lib/rpm/Packages')).toBe(false);
    expect(rpmExtractor.maxFileBytes).toBe(200 * 1024 * 1024);
    expect(`${rpmExtractor.name}@${rpmExtractor.version}`).toBe('os/rpm@1');
  });

  it('falls back to the next database when the preferred one is not a database, and says so', async () => {
    const ndb = readFileSync(pkgdb('rpm/go-rpmdb-sle15-bci/usr/lib/sysimage/rpm/Packages.db'));
    const { packages, issues } = await run(
      viewOfFiles({ 'usr/lib/sysimage/rpm/rpmdb.sqlite': 'not a database', 'usr/lib/sysimage/rpm/Packages.db': ndb }),
    );
    expect(packages).toHaveLength(35);
    expect(issues).toEqual([
      { path: 'usr/lib/sysimage/rpm/rpmdb.sqlite', stage: 'os/rpm@1', reason: 'not an SQLite database (bad magic)' },
    ]);
  });

  it('sorts by name, version, arch and skips gpg-pubkey', async () => {
    const { buildSqliteDb } = await import('./testdata/build-sqlite-db.js');
    const db = buildSqliteDb([
      header('zlib', '1.2'),
      header('gpg-pubkey', 'fd431d51'),
      header('bash', '5.1'),
      header('bash', '4.4'),
    ]);
    const { packages, issues } = await run(viewOfFiles({ 'var/lib/rpm/rpmdb.sqlite': db }));
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}-${p.version}`)).toEqual(['bash-4.4-1', 'bash-5.1-1', 'zlib-1.2-1']);
  });

  it('reports a bad header and keeps the others', async () => {
    const { buildSqliteDb } = await import('./testdata/build-sqlite-db.js');
    const truncated = header('broken', '1').subarray(0, 40);
    const db = buildSqliteDb([header('good', '1'), truncated]);
    const { packages, issues } = await run(viewOfFiles({ 'var/lib/rpm/rpmdb.sqlite': db }));
    expect(packages.map((p) => p.name)).toEqual(['good']);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('var/lib/rpm/rpmdb.sqlite');
    expect(issues[0]?.reason).toMatch(/^header 2: header is truncated/);
  });

  it('returns nothing for a view without an rpm database', async () => {
    expect(await run(viewOfFiles({}))).toEqual({ packages: [], issues: [] });
  });

  it('reads the database path it found into evidence', async () => {
    const { buildSqliteDb } = await import('./testdata/build-sqlite-db.js');
    const { packages } = await run(viewOfFiles({ 'usr/lib/sysimage/rpm/rpmdb.sqlite': buildSqliteDb([header('a', '1')]) }));
    expect(packages[0]?.evidence).toBe('usr/lib/sysimage/rpm/rpmdb.sqlite');
  });
});

describe('os/rpm extractor on hostile databases: issues, no throw, no hang', () => {
  const good = writeHeader([
    { tag: RpmTag.NAME, value: { type: 'string', value: 'good' } },
    { tag: RpmTag.VERSION, value: { type: 'string', value: '1' } },
    { tag: RpmTag.RELEASE, value: { type: 'string', value: '1' } },
  ]);
  const patched = (edit: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(good);
    edit(b);
    return b;
  };
  const sqliteWith = async (blobs: Buffer[]): Promise<Buffer> => (await import('./testdata/build-sqlite-db.js')).buildSqliteDb(blobs);

  it.each<[string, () => Buffer, RegExp]>([
    ['a truncated header', () => good.subarray(0, good.length - 3), /^header 2: header is truncated/],
    ['an index count of 2^31', () => patched((b) => b.writeUInt32BE(0x80000000, 0)), /^header 2: header index count 2147483648 is outside 1\.\.65535$/],
    ['an offset past the data store', () => patched((b) => b.writeInt32BE(0x10000, 8 + 16 + 8)), /^header 2: tag 1000 offset 65536 points outside the \d+-byte data store$/],
  ])('SQLite database with %s', async (_name, bad, want) => {
    const db = await sqliteWith([good, bad()]);
    const { packages, issues } = await run(viewOfFiles({ 'var/lib/rpm/rpmdb.sqlite': db }));
    expect(packages.map((p) => p.name)).toEqual(['good']);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.reason).toMatch(want);
  });

  it('a Berkeley DB with an overflow page loop', async () => {
    const db = Buffer.from(readFileSync(pkgdb('rpm/go-rpmdb-libuuid/var/lib/rpm/Packages')));
    const page = 4096;
    for (let p = 1; p < db.length / page; p++) {
      if (db[p * page + 25] === 7 && db.readUInt32LE(p * page + 16) === 0) db.writeUInt32LE(p, p * page + 16);
    }
    const { packages, issues } = await run(viewOfFiles({ 'var/lib/rpm/Packages': db }));
    expect(packages).toEqual([]);
    expect(issues).toEqual([
      { path: 'var/lib/rpm/Packages', stage: 'os/rpm@1', reason: expect.stringMatching(/overflow page \d+ is reached twice/) },
    ]);
  });

  it('a non-SQLite file named rpmdb.sqlite', async () => {
    const { packages, issues } = await run(viewOfFiles({ 'var/lib/rpm/rpmdb.sqlite': '<html>not found</html>' }));
    expect(packages).toEqual([]);
    expect(issues).toEqual([{ path: 'var/lib/rpm/rpmdb.sqlite', stage: 'os/rpm@1', reason: 'not an SQLite database (bad magic)' }]);
  });

  it('files of the wrong format under every database name', async () => {
    const junk = Buffer.alloc(8192, 0xab);
    const { packages, issues } = await run(
      viewOfFiles(Object.fromEntries(['usr/lib/sysimage/rpm/rpmdb.sqlite', 'var/lib/rpm/Packages.db', 'var/lib/rpm/Packages'].map((p) => [p, junk]))),
    );
    expect(packages).toEqual([]);
    expect(issues.map((i) => `${i.path}: ${i.reason}`)).toEqual([
      'usr/lib/sysimage/rpm/rpmdb.sqlite: not an SQLite database (bad magic)',
      'var/lib/rpm/Packages.db: not an rpm NDB file (bad magic)',
      'var/lib/rpm/Packages: not a Berkeley DB hash file (bad magic)',
    ]);
  });

  it('caps the issues of one database', async () => {
    const db = await sqliteWith(Array.from({ length: 80 }, () => Buffer.from([0, 0])));
    const { packages, issues } = await run(viewOfFiles({ 'var/lib/rpm/rpmdb.sqlite': db }));
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(51);
    expect(issues[50]?.reason).toBe('30 more problems in this file not listed');
  });
});
