/**
 * Every dpkg/opkg case of ../shared/peer-fixtures/os-pkgdb (osv-scalibr, syft, trivy), table-driven from index.json.
 * Each expectation field we model is compared; fields we do not model are listed in `notModelled` with the reason,
 * and an unknown field fails the test so nothing is skipped silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Extractor } from '../../../extractor.js';
import type { ExtractedPackage } from '../../../../core/model.js';
import { viewOfDirectory } from '../../../../../test/memory-view.js';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { dpkgExtractor, opkgExtractor } from './index.js';

interface IndexCase {
  id: string;
  format: string;
  input: string;
  expected: string;
}

type ExpectedPackage = Record<string, unknown> & { name: string };

interface Expectation {
  name: string;
  context?: { config?: string; upstream_expects_warnings?: number } | null;
  expect_error?: boolean;
  packages?: ExpectedPackage[];
  package_infos?: { file_path: string; packages: ExpectedPackage[] }[];
  upstream_want?: unknown;
  expected_locations?: { path: string; evidence: string }[];
}

const root = peerFixtures('os-pkgdb');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as { cases: IndexCase[] };
const cases = index.cases.filter((c) => c.id.startsWith('dpkg/'));

/** Expectation fields we do not model, and why. */
const notModelled: Record<string, string> = {
  name: 'the key packages are matched by',
  epoch: 'trivy splits versions; the version module parses [epoch:]upstream[-revision] from the full version we keep',
  upstream_version: 'as epoch',
  release: 'as epoch',
  id: 'package ids are assigned by the catalog',
  repository_class: 'trivy classifies the maintainer as official/third-party; not an extractor concern',
  digest: 'trivy reads the .deb archive sha256 from var/lib/dpkg/available; the model has no package-archive digest',
  purl: 'purls are built by the catalog from ecosystem, distro and source',
  annotation: 'scalibr marks transitional/dummy packages for VEX; not modelled',
};

/** Expectations we do not follow, with the reason. Keyed by case id, then package name. */
const deviations: Record<string, { skipPackages?: Record<string, string>; fields?: Record<string, Record<string, string>> }> = {
  'dpkg/syft-parse-multiple': {
    skipPackages: {
      'no-version': 'syft keeps a paragraph without Version at parser level; a package needs a version, so we skip it with an issue (as scalibr and trivy do)',
    },
  },
  'dpkg/syft-parse-installed-size-4KB': {
    fields: {
      apt: {
        installed_size: 'syft turns "4KB" into 4000 (bytes) while a bare number stays KiB; we keep one unit, KiB: 4KB → 4',
      },
    },
  },
};

/** Cases whose input legitimately yields issues although upstream asserts none (upstream drops those silently). */
const issuesExpected: Record<string, string> = {
  'dpkg/syft-image-dpkg': 'the status file starts with an empty "Package:" paragraph',
  'dpkg/syft-parse-multiple': 'an empty "Package:" paragraph and a package without Version',
  'dpkg/trivy-corrupsed': 'two paragraphs without Status (one without Version either)',
};

function outOfScope(x: Expectation): string | undefined {
  if (x.context?.config?.includes('IncludeNotInstalled') === true) {
    return 'IncludeNotInstalled is a scalibr option; grout reports installed packages only';
  }
  return undefined;
}

function extractorFor(c: IndexCase): Extractor {
  return c.format.includes('opkg') ? opkgExtractor : dpkgExtractor;
}

async function run(c: IndexCase): Promise<{ packages: ExtractedPackage[]; issues: { path: string; reason: string }[] }> {
  const caseDir = join(root, c.id);
  const rootfs = /(^|\/)rootfs\/?$/u.test(c.input) ? join(root, c.input) : caseDir;
  const extractor = extractorFor(c);
  const issues: { path: string; reason: string }[] = [];
  const packages = await extractor.extract({
    view: viewOfDirectory(rootfs, (p) => extractor.wants(p)),
    distro: undefined,
    issue: (path, reason) => issues.push({ path, reason }),
  });
  return { packages, issues };
}

interface UpstreamFile {
  Path: string;
  Digest?: { Algorithm: string; Value: string };
  IsConfigFile?: boolean;
}

/** syft's file records (DpkgDBEntry.Files), by package name, from the upstream structs. */
function upstreamFiles(want: unknown): Map<string, UpstreamFile[]> {
  const files = new Map<string, UpstreamFile[]>();
  if (!Array.isArray(want)) return files;
  for (const entry of want as Record<string, unknown>[]) {
    const meta = (entry['Metadata'] ?? entry) as Record<string, unknown>;
    const name = meta['Package'];
    const list = meta['Files'];
    if (typeof name === 'string' && Array.isArray(list)) files.set(name, list as UpstreamFile[]);
  }
  return files;
}

function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

function compareField(
  key: string,
  want: unknown,
  got: ExtractedPackage,
  installed: ReadonlyMap<string, ExtractedPackage>,
): void {
  const meta = got.metadata?.kind === 'dpkg' ? got.metadata : undefined;
  const label = `${got.name}.${key}`;
  switch (key) {
    case 'version':
      expect(got.version, label).toBe(want);
      return;
    case 'arch':
      expect(got.arch, label).toBe(want);
      return;
    case 'source_name':
      expect(got.source?.name, label).toBe(want);
      return;
    case 'source_version':
      expect(got.source?.version, label).toBe(want);
      return;
    case 'maintainer':
      expect(meta?.maintainer, label).toBe(want);
      return;
    case 'installed_size':
      expect(meta?.installedSize, label).toBe(want);
      return;
    case 'status':
      expect(meta?.status, label).toBe(want);
      return;
    case 'depends':
      expect(meta?.depends ?? [], label).toEqual(want);
      return;
    case 'pre_depends':
      expect(meta?.preDepends ?? [], label).toEqual(want);
      return;
    case 'provides':
      expect(meta?.provides ?? [], label).toEqual(want);
      return;
    case 'file_count':
      expect(got.ownedFiles?.length ?? 0, label).toBe(want);
      return;
    case 'licenses':
      expect(sorted(got.licenses), label).toEqual(sorted(want as string[]));
      return;
    case 'raw_license_field':
      expect(got.licenses, label).toEqual([want]);
      return;
    case 'installed_files':
      expect(sorted((got.ownedFiles ?? []).map((f) => `/${f.path}`)), label).toEqual(sorted(want as string[]));
      return;
    case 'depends_on': {
      // trivy resolves Depends (not Pre-Depends), every alternative, against installed package names.
      const names = (meta?.depends ?? []).flatMap((d) => d.split('|').map((a) => a.trim().split(/[\s(:]/u)[0] ?? ''));
      const resolved = new Set<string>();
      for (const name of names) {
        const dep = installed.get(name);
        if (dep !== undefined) resolved.add(`${dep.name}@${dep.version}`);
        if (dep !== undefined) expect(got.dependsOn, label).toContain(name);
      }
      expect(sorted([...resolved]), label).toEqual(sorted(want as string[]));
      return;
    }
    default:
      if (!(key in notModelled)) throw new Error(`expectation field ${key} is neither compared nor listed as not modelled`);
  }
}

describe('os-pkgdb peer fixtures (dpkg, opkg)', () => {
  it('covers every dpkg/opkg case of index.json', () => {
    expect(cases.length).toBe(35);
  });

  describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const expected = JSON.parse(readFileSync(join(root, c.expected), 'utf8')) as { expectations: Expectation[] };

    it.for(expected.expectations.map((x) => [x.name, x] as const))('%s', async ([, x], { skip }) => {
      const reason = outOfScope(x);
      if (reason !== undefined) skip(reason);
      const { packages, issues } = await run(c);

      const warned = (x.context?.upstream_expects_warnings ?? 0) > 0;
      if (x.expect_error === true || warned) expect(issues.length, 'issues').toBeGreaterThan(0);
      else if (!(c.id in issuesExpected)) expect(issues, 'issues').toEqual([]);
      if (x.expect_error === true) {
        expect(packages).toEqual([]);
        return;
      }

      const groups = x.package_infos ?? [{ file_path: '', packages: x.packages ?? [] }];
      const deviation = deviations[c.id];
      const wanted = groups.flatMap((g) => g.packages.map((p) => ({ p, evidence: g.file_path })));
      const kept = wanted.filter(({ p }) => deviation?.skipPackages?.[p.name] === undefined);
      expect(sorted(packages.map((p) => p.name))).toEqual(sorted(kept.map(({ p }) => p.name)));

      const byName = new Map(packages.map((p) => [p.name, p]));
      for (const { p, evidence } of kept) {
        const got = byName.get(p.name);
        expect(got, p.name).toBeDefined();
        if (got === undefined) continue;
        expect(got.ecosystem).toBe('deb');
        if (evidence !== '') expect(got.evidence).toBe(evidence);
        for (const [key, value] of Object.entries(p)) {
          if (deviation?.fields?.[p.name]?.[key] !== undefined) continue;
          compareField(key, value, got, byName);
        }
      }

      for (const [name, files] of upstreamFiles(x.upstream_want)) {
        const got = byName.get(name);
        if (got === undefined) continue;
        const want = files.map((f) => ({
          path: f.Path.replace(/^\/+/u, ''),
          ...(f.Digest === undefined ? {} : { digest: { algorithm: f.Digest.Algorithm, value: f.Digest.Value } }),
          ...(f.IsConfigFile === true ? { config: true } : {}),
        }));
        expect(got.ownedFiles ?? [], `${name} files`).toEqual(want.sort((a, b) => (a.path < b.path ? -1 : 1)));
      }

      for (const location of x.expected_locations ?? []) {
        if (location.evidence === 'primary') {
          for (const p of packages) expect(p.evidence).toBe(location.path.replace(/^\/+/u, ''));
        }
      }
    });
  });
});
