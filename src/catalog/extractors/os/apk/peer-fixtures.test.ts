/**
 * Every apk case of ../shared/peer-fixtures/os-pkgdb (osv-scalibr, syft, trivy), table-driven from index.json.
 * Each expectation field we model is compared; fields we do not model are listed in `notModelled` with the reason,
 * and an unknown field fails the test, so nothing is skipped silently.
 *
 * Licences: we keep `L:` as one expression string, as written. The upstreams differ (os-pkgdb README, caveats):
 * scalibr keeps it whole (compared for equality), syft splits it on spaces (compared to our value split on spaces),
 * trivy normalises it to SPDX ids (compared through `trivyLicences` below, which documents that mapping). In every
 * case our value is also checked against the raw `L:` line read from the input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApkMetadata, ExtractedPackage } from '../../../../core/model.js';
import { viewOfDirectory } from '../../../../../test/memory-view.js';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { packageFrom } from '../../../package-identity.js';
import { resolveDependencies } from '../../../relationships.js';
import { apkDigest, apkExtractor } from './index.js';

interface IndexCase {
  id: string;
  input: string;
  expected: string;
}

type ExpectedPackage = Record<string, unknown> & { name: string };

interface Expectation {
  name: string;
  context?: unknown;
  expect_error?: boolean;
  packages?: ExpectedPackage[];
  upstream_want?: { Name: string; Metadata?: { Files?: SyftFile[]; Description?: string } }[];
  upstream_note?: string;
  relationships?: { from: string; to: string; type: string }[];
  dependencies?: Record<string, string[]>;
  all_installed_files?: string[];
}

interface SyftFile {
  Path: string;
  Digest?: { Algorithm: string; Value: string };
  OwnerUID?: string;
  OwnerGID?: string;
  Permissions?: string;
}

const root = peerFixtures('os-pkgdb');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as { cases: IndexCase[] };
const cases = index.cases.filter((c) => c.id.startsWith('apk/'));

/** Expectation-level keys that are not package lists, and how they are used. */
const expectationKeys = new Set(['name', 'context', 'expect_error', 'packages', 'upstream_want', 'upstream_note', 'relationships', 'dependencies', 'all_installed_files']);

/** Package fields we do not compare, and why. */
const notModelled: Record<string, string> = {
  name: 'the key packages are matched by',
};

/** trivy's SPDX normalisation of the raw L: values in its fixture: raw → trivy's list. Documents the mapping. */
const trivyLicences: Record<string, string[]> = {
  MIT: ['MIT'],
  GPL2: ['GPL-2.0-only'],
  GPL: ['GPL-2.0-or-later'],
  zlib: ['Zlib'],
  openssl: ['OpenSSL'],
  'MIT BSD GPL2+': ['MIT', 'BSD-3-Clause', 'GPL-2.0-or-later'],
  ISC: ['ISC'],
  'Public-Domain': ['Public-Domain'],
  '( Apache-2.0 OR MIT ) AND MPL-2.0': ['Apache-2.0', 'MIT', 'MPL-2.0'],
};

/** Issues our parser reports where upstream asserts none, with the reason. */
const issuesExpected: Record<string, string> = {
  'apk/trivy-apk': 'a stanza "P:invalidPackageWithoutAVersion" has no V: (trivy drops it silently)',
};

/** Upstream assertions we do not follow. */
const deviations: Record<string, string> = {
  'apk/trivy-apk': 'trivy asserts database order; grout sorts packages by name, version, arch for deterministic output',
};

/** The raw stanza of a package in the input, to check values against what is written. */
function rawStanza(text: string, name: string): string[] {
  const stanza = text.split(/\n[ \t\r]*\n/u).find((s) => s.split('\n').includes(`P:${name}`));
  if (stanza === undefined) throw new Error(`no stanza for ${name}`);
  return stanza.split('\n');
}

function rawField(lines: string[], key: string): string | undefined {
  return lines.find((l) => l.startsWith(`${key}:`))?.slice(2);
}

const meta = (pkg: ExtractedPackage): ApkMetadata => {
  if (pkg.metadata?.kind !== 'apk') throw new Error(`${pkg.name} has no apk metadata`);
  return pkg.metadata;
};

const emptyAsAbsent = (v: unknown): unknown => (Array.isArray(v) && v.length === 0 ? undefined : v);

/** Compare one expected field with ours; returns false for a field we do not know. */
function compareField(caseId: string, pkg: ExtractedPackage, raw: string[], key: string, value: unknown, all: ExtractedPackage[]): void {
  const m = meta(pkg);
  const label = `${caseId} ${pkg.name}.${key}`;
  switch (key) {
    case 'version':
    case 'upstream_version':
      expect(pkg.version, label).toBe(value);
      return;
    case 'arch':
      expect(pkg.arch, label).toBe(value);
      return;
    case 'origin':
      expect(m.origin, label).toBe(value);
      expect(pkg.source, label).toEqual({ name: value, version: pkg.version });
      return;
    case 'source_name':
      expect(pkg.source?.name, label).toBe(value);
      return;
    case 'source_version':
      expect(pkg.source?.version, label).toBe(value);
      return;
    case 'maintainer':
      expect(m.maintainer, label).toBe(value);
      return;
    case 'commit':
    case 'git_commit':
      expect(m.commit, label).toBe(value);
      return;
    case 'url':
      expect(m.url, label).toBe(value);
      return;
    case 'size':
      expect(m.size, label).toBe(value);
      return;
    case 'installed_size':
      expect(m.installedSize, label).toBe(value);
      return;
    case 'checksum':
      expect(m.checksum, label).toBe(value);
      return;
    case 'digest': {
      const digest = apkDigest(m.checksum ?? '');
      expect(digest && `${digest.algorithm}:${digest.value}`, label).toBe(value);
      return;
    }
    case 'dependencies':
      expect(m.depends, label).toEqual(emptyAsAbsent(value));
      return;
    case 'provides':
      expect(m.provides, label).toEqual(emptyAsAbsent(value));
      return;
    case 'id':
      expect(`${pkg.name}@${pkg.version}`, label).toBe(value);
      return;
    case 'installed_files':
      expect((pkg.ownedFiles ?? []).map((f) => f.path).sort(), label).toEqual([...(value as string[])].sort());
      return;
    case 'file_count': {
      const dirs = new Set(raw.filter((l) => l.startsWith('F:')).map((l) => l.slice(2)));
      expect((pkg.ownedFiles ?? []).length + dirs.size, label).toBe(value);
      return;
    }
    case 'depends_on': {
      expect(resolvedDeps(all).get(pkg.name) ?? [], label).toEqual([...(value as string[])].sort());
      return;
    }
    case 'licenses': {
      const written = rawField(raw, 'L');
      expect(pkg.licenses, `${label} (raw L:)`).toEqual(written === undefined ? [] : [written]);
      const expected = value as string[];
      if (caseId.startsWith('apk/scalibr-')) expect(pkg.licenses, label).toEqual(expected);
      else if (caseId.startsWith('apk/syft-')) expect(pkg.licenses.flatMap((l) => l.split(' ')), label).toEqual(expected);
      else expect(trivyLicences[written ?? ''], `${label}: add "${written}" to trivyLicences`).toEqual(expected);
      return;
    }
    default:
      throw new Error(`${label}: field not compared and not listed in notModelled`);
  }
}

/** name → sorted `name@version` of the installed packages it depends on, through the catalog's resolver. */
function resolvedDeps(pkgs: ExtractedPackage[]): Map<string, string[]> {
  const pairs = pkgs.map((extracted) => ({ pkg: packageFrom(extracted, 'os/apk@1', 0, undefined), extracted }));
  const byId = new Map(pairs.map(({ pkg }) => [pkg.id, pkg]));
  const out = new Map<string, string[]>();
  for (const rel of resolveDependencies(pairs)) {
    const from = byId.get(rel.from)!;
    const to = byId.get(rel.to)!;
    out.set(from.name, [...(out.get(from.name) ?? []), `${to.name}@${to.version}`].sort());
  }
  return out;
}

async function run(caseDir: string): Promise<{ packages: ExtractedPackage[]; issues: { path: string; reason: string }[] }> {
  const issues: { path: string; reason: string }[] = [];
  const packages = await apkExtractor.extract({
    view: viewOfDirectory(caseDir, apkExtractor.wants),
    distro: undefined,
    issue: (path, reason) => issues.push({ path, reason }),
  });
  return { packages, issues };
}

describe('apk peer fixtures', () => {
  it('covers all 13 apk cases of index.json', () => {
    expect(cases).toHaveLength(13);
  });

  for (const c of cases) {
    const caseDir = join(root, c.id);
    const spec = JSON.parse(readFileSync(join(root, c.expected), 'utf8')) as { expectations: Expectation[] };
    const inputText = readFileSync(join(root, c.input), 'utf8');

    describe(c.id, () => {
      for (const x of spec.expectations) {
        it(`${x.name}${deviations[c.id] ? ` (deviation: ${deviations[c.id]})` : ''}`, async () => {
          for (const key of Object.keys(x)) expect(expectationKeys.has(key), `unknown expectation key ${key}`).toBe(true);
          const { packages, issues } = await run(caseDir);

          if (x.expect_error === true) {
            // Upstream fails the whole file; we report the malformed stanzas as issues and keep any valid record.
            expect(issues.length, 'an error case must yield issues').toBeGreaterThan(0);
            expect(issues.every((i) => i.path === 'lib/apk/db/installed')).toBe(true);
          } else if (issuesExpected[c.id] !== undefined) {
            expect(issues.length).toBeGreaterThan(0);
          } else {
            expect(issues).toEqual([]);
          }

          const names = packages.map((p) => p.name);
          expect(names, 'sorted by name').toEqual([...names].sort());

          if (x.packages !== undefined) {
            expect(names.slice().sort()).toEqual(x.packages.map((p) => p.name).sort());
            for (const want of x.packages) {
              const pkg = packages.find((p) => p.name === want.name)!;
              expect(pkg.ecosystem).toBe('apk');
              expect(pkg.evidence).toBe('lib/apk/db/installed');
              const raw = rawStanza(inputText, want.name);
              for (const [key, value] of Object.entries(want)) {
                if (key in notModelled) continue;
                compareField(c.id, pkg, raw, key, value, packages);
              }
              // trivy lists resolved dependencies only when there are some.
              if (c.id === 'apk/trivy-apk' && !('depends_on' in want)) expect(resolvedDeps(packages).get(pkg.name)).toBeUndefined();
            }
          }

          for (const want of x.upstream_want ?? []) {
            const pkg = packages.find((p) => p.name === want.Name)!;
            if (want.Metadata?.Description !== undefined) expect(meta(pkg).description).toBe(want.Metadata.Description);
            if (want.Metadata?.Files !== undefined) compareSyftFiles(pkg, want.Metadata.Files, rawStanza(inputText, pkg.name));
          }

          if (x.relationships !== undefined) {
            // syft: "from X to Y dependency-of" = Y depends on X.
            const deps = resolvedDeps(packages);
            const got = [...deps].flatMap(([from, tos]) => tos.map((to) => `${to.split('@')[0]} -> ${from}`)).sort();
            expect(got).toEqual(x.relationships.map((r) => `${r.from} -> ${r.to}`).sort());
            expect(x.relationships.every((r) => r.type === 'dependency-of')).toBe(true);
          }

          if (x.dependencies !== undefined) {
            const deps = resolvedDeps(packages);
            const got = Object.fromEntries([...deps].map(([k, v]) => [k, v.map((d) => d.split('@')[0]!).sort()]));
            const want = Object.fromEntries(Object.entries(x.dependencies).map(([k, v]) => [k, [...v].sort()]));
            expect(got).toEqual(want);
          }

          if (x.all_installed_files !== undefined) {
            const ours = packages.flatMap((p) => (p.ownedFiles ?? []).map((f) => f.path)).sort();
            expect(ours).toEqual([...x.all_installed_files].sort());
          }
        });
      }
    });
  }
});

/**
 * syft lists directories (F:) and files (R:) alike; we list only files: a directory is not a file a package owns
 * in the ownership graph. So: syft's entries minus the F: directories must be exactly our files, with the same
 * digest (syft keeps the Q1 text, we decode it to SHA-1 hex) and mode (syft keeps the octal text).
 */
function compareSyftFiles(pkg: ExtractedPackage, files: SyftFile[], raw: string[]): void {
  const dirs = new Set(raw.filter((l) => l.startsWith('F:')).map((l) => l.slice(2)));
  const ours = new Map((pkg.ownedFiles ?? []).map((f) => [f.path, f]));
  const fileEntries = files.filter((f) => !dirs.has(f.Path.slice(1)));
  expect(files.length - fileEntries.length).toBe(dirs.size);
  expect([...ours.keys()].sort()).toEqual(fileEntries.map((f) => f.Path.slice(1)).sort());
  for (const want of fileEntries) {
    const got = ours.get(want.Path.slice(1))!;
    expect(got.digest, want.Path).toEqual(want.Digest === undefined ? undefined : apkDigest(want.Digest.Value));
    if (want.Digest !== undefined) expect(got.digest?.algorithm).toBe('sha1');
    expect(got.mode, want.Path).toBe(want.Permissions === undefined ? undefined : Number.parseInt(want.Permissions, 8));
  }
}
