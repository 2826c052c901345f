/**
 * `grout fix`: scan → plan → resolve against the image's own signed APT repositories → download the verified
 * .debs → one patch layer → a new image (the input untouched) → rescan to prove it. Each stage is a module of
 * fix/ (plan, apt, deb, patch) or image/writer; this file only ties them together.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroutError } from '../core/errors.js';
import { Limit } from '../core/limit.js';
import type { ProgressListener } from '../core/events.js';
import type { ScanReport, SeverityLevel } from '../core/finding.js';
import { GROUT_VERSION } from '../grout-version.js';
import { imageSource, parsePlatform, type RegistrySourceOptions } from '../image/index.js';
import { refuseSameImage, writePatchedImage, type WrittenPatchedImage } from '../image/writer/index.js';
import { scan } from '../scan/index.js';
import { downloadPlanned, loadAptRepositories, securityUpdates } from './apt/index.js';
import { resolvePlan, type InstalledDeb, type PlannedPackage, type ResolvedPlan } from './apt/resolve.js';
import type { ImageFiles } from './apt/sources.js';
import { fieldValue } from './deb/index.js';
import { DpkgDatabase } from './patch/installed-packages.js';
import { buildPatchLayer, patchBaseLayers, readRootfsView, type PatchLayer } from './patch/index.js';
import { wantedUpgrades, type WantedPlan } from './plan.js';
import { changelogFixesOf, changelogFixesPerSource, type ChangelogFixes } from './changelog-fixes.js';
import { withEndOfLifeReason } from './eol-reason.js';
import { combinePlan, type PlannedSecurityUpdate } from './security-plan.js';
import type { SecurityUpdate } from './apt/security-suite.js';

export type { ChangelogFixes } from './changelog-fixes.js';

export interface FixOptions {
  dbPath: string;
  maxAgeHours?: number;
  /**
   * Where to write the patched image: `oci:dir[:tag]`, `oci-archive:file[:tag]`, `docker-archive:file[:repo:tag]`,
   * or a registry to push to (`host[:port]/repo:tag`, `docker://repo:tag`; never the input's repository:tag).
   */
  out?: string;
  /** Credentials, CA and TLS for a registry input and output (`--username`, `--ca-cert`, `--insecure`). */
  registry?: RegistrySourceOptions;
  /** Plan only: resolve against the repositories, download and write nothing. */
  dryRun?: boolean;
  /** Only fix findings of these severities (default: all). Security-suite updates no such finding asks for are left out. */
  severities?: readonly SeverityLevel[];
  /**
   * Also plan every update the archive's security suites have for installed packages, advisory or not
   * (default true; `--no-security-updates` sets false: advisory-driven only).
   */
  securityUpdates?: boolean;
  /** `--dry-run` downloads just one candidate .deb per upgraded source to read its changelog (default true). */
  dryRunChangelogs?: boolean;
  /** `--repo`: a full apt source line, or a mirror URL replacing the image's URIs. */
  repos?: readonly string[];
  /** `--keyring`: OpenPGP keyring files that replace the image's trusted keys. */
  keyrings?: readonly string[];
  platform?: string;
  /** The clock (release validity, layer times, history): injected for reproducible output. */
  now?: Date;
  onProgress?: ProgressListener;
  /** Called with a line of progress text for the stages after the scan. */
  onStage?: (text: string) => void;
}

export interface FixResult {
  before: ScanReport;
  wanted: WantedPlan;
  resolved: ResolvedPlan;
  /** Updates the archive's security suites have for installed packages that are in the plan, with matching advisory ids. */
  securityUpdates: PlannedSecurityUpdate[];
  /** Security-suite updates left out because no selected advisory matches them (`--severity`). */
  securityUpdatesLeftOut: SecurityUpdate[];
  /** CVEs the new uploads' changelogs say they fix (a fact from the archive, also when no advisory says so). */
  changelogFixes: ChangelogFixes[];
  layer?: PatchLayer;
  written?: WrittenPatchedImage;
  /** The reference the patched image can be read back with. */
  patchedReference?: string;
  after?: ScanReport;
  /** Vulnerabilities (id + package) present before and gone after. */
  fixed: { id: string; package: string; from: string; to: string }[];
  /** Planned fixes still present after patching: the run fails with these. */
  notTaken: { id: string; package: string }[];
  warnings: string[];
}

/** .deb downloads at once: a few hide the round trips without hammering the mirror. */
const DOWNLOAD_CONCURRENCY = 4;

const KEEP = (path: string): boolean => path.startsWith('var/lib/dpkg/') || path.startsWith('etc/apt/') || path.startsWith('usr/share/keyrings/');

export async function fixImage(source: string, options: FixOptions): Promise<FixResult> {
  if (options.dryRun !== true && options.out === undefined) throw new GroutError('E_USAGE', 'grout fix needs --out (or --dry-run)');
  // A bad --out, or one naming the input's own repository:tag, is refused before any work.
  if (options.out !== undefined) refuseSameImage(source, options.out);
  const registry = options.registry ? { registry: options.registry } : {};
  const now = options.now ?? new Date();
  const stage = options.onStage ?? (() => {});
  const before = await scan(source, {
    dbPath: options.dbPath,
    now,
    ...(options.maxAgeHours !== undefined ? { maxAgeHours: options.maxAgeHours } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...registry,
  });
  const wanted = wantedUpgrades(before, options.severities ? { severities: options.severities } : {});
  const platform = options.platform ? parsePlatform(options.platform) : undefined;
  const image = await imageSource(source, registry).open(platform ? { platform } : {});
  const work = await mkdtemp(join(tmpdir(), 'grout-fix-'));
  try {
    stage('reading the dpkg database and apt sources of the image');
    const rootfs = await readRootfsView(patchBaseLayers(image), { keep: KEEP });
    const files: ImageFiles = { read: (p) => rootfs.read(p), children: (d) => rootfs.children(d) };
    const db = DpkgDatabase.read(rootfs);
    const installed = installedDebs(db);
    const arch = nativeArch(installed, before);
    const withSecurity = options.securityUpdates !== false;
    const planned = wanted.upgrades.length === 0 && !withSecurity ? { resolved: emptyPlan(), securityUpdates: [], leftOut: [] } : await resolveAgainstRepositories(files, installed, wanted, arch, options, now, stage);
    const resolved = { ...planned.resolved, unfixable: withEndOfLifeReason(planned.resolved.unfixable, before.distroEol) };
    const result: FixResult = { before, wanted, resolved, securityUpdates: planned.securityUpdates, securityUpdatesLeftOut: planned.leftOut, changelogFixes: [], fixed: [], notTaken: [], warnings: [] };
    if (options.dryRun === true) {
      if (options.dryRunChangelogs !== false && resolved.upgrades.length > 0) {
        stage('reading the changelogs of the upgraded packages');
        result.changelogFixes = await changelogFixesPerSource(resolved.upgrades, (p) => downloadPlanned(p, work));
      }
      return result;
    }
    if (resolved.upgrades.length + resolved.newPackages.length === 0) return result;

    const toFetch = [...resolved.upgrades, ...resolved.newPackages];
    let fetched = 0;
    // A few downloads at once (as apt does): each is verified against the signed index; results keep plan order.
    const limit = new Limit(DOWNLOAD_CONCURRENCY);
    // allSettled: on a failure, wait for the other downloads before the work dir is removed, then report the first.
    const settled = await Promise.allSettled(
      toFetch.map((p) =>
        limit.run(async () => {
          const file = await downloadPlanned(p, work);
          stage(`downloaded ${++fetched}/${toFetch.length}: ${p.name} ${p.to}`);
          return { file, found: await changelogFixesOf(file, p) };
        }),
      ),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const downloads = settled.map((r) => (r as PromiseFulfilledResult<{ file: string; found: ChangelogFixes | undefined }>).value);
    const debs = downloads.map((d) => d.file);
    for (const d of downloads) if (d.found !== undefined) result.changelogFixes.push(d.found);
    stage('writing the patch layer');
    const layer = await buildPatchLayer({ rootfs, debs, out: join(work, 'patch-layer.tar.gz'), time: now });
    result.layer = layer;
    result.warnings.push(...layer.warnings);
    stage(`writing ${options.out}`);
    const written = await writePatchedImage({
      source,
      ...(platform ? { platform } : {}),
      layer,
      out: options.out!,
      summary: layer.changes.map((c) => `${c.package} ${c.from ?? '(new)'} → ${c.to}`).join(', '),
      created: now,
      groutVersion: GROUT_VERSION,
      ...registry,
    });
    result.written = written;
    result.patchedReference = readBackReference(written);
    stage('scanning the patched image');
    const after = await scan(result.patchedReference, { dbPath: options.dbPath, now, cache: true, ...registry });
    result.after = after;
    compareScans(result, resolved);
    return result;
  } finally {
    await image.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function resolveAgainstRepositories(
  files: ImageFiles,
  installed: InstalledDeb[],
  wanted: WantedPlan,
  arch: string,
  options: FixOptions,
  now: Date,
  stage: (text: string) => void,
): Promise<{ resolved: ResolvedPlan; securityUpdates: PlannedSecurityUpdate[]; leftOut: SecurityUpdate[] }> {
  const keyrings = await Promise.all(
    (options.keyrings ?? []).map(async (file) => {
      try {
        return { name: file, bytes: await readFile(file) };
      } catch (cause) {
        throw new GroutError('E_IO', `cannot read the keyring ${file}: ${(cause as Error).message}`, { file, cause });
      }
    }),
  );
  stage('verifying the signed release files and package indexes');
  const repositories = await loadAptRepositories(files, {
    arch,
    now,
    ...(options.repos ? { repos: [...options.repos] } : {}),
    ...(keyrings.length > 0 ? { keyrings } : {}),
  });
  const updates = options.securityUpdates === false ? [] : securityUpdates(installed, repositories.releaseIndexes, arch);
  const combined = combinePlan(wanted, updates, { includeUnadvised: options.severities === undefined });
  const resolved = resolvePlan({ installed, wanted: combined.fixes, index: repositories.index, arch });
  return { resolved, securityUpdates: combined.securityUpdates, leftOut: combined.leftOut };
}

function installedDebs(db: DpkgDatabase): InstalledDeb[] {
  const out: InstalledDeb[] = [];
  for (const p of db.packages) {
    if (!p.installed) continue;
    const field = (name: string): string | undefined => fieldValue(p.fields, name)?.trim();
    const source = field('Source');
    const m = source === undefined ? undefined : /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(source);
    const deb: InstalledDeb = { name: p.name, arch: p.architecture, version: p.version };
    if (m?.[1] !== undefined) deb.source = m[1];
    if (m?.[2] !== undefined) deb.sourceVersion = m[2];
    const multiArch = field('Multi-Arch');
    if (multiArch === 'same' || multiArch === 'foreign' || multiArch === 'allowed' || multiArch === 'no') deb.multiArch = multiArch;
    for (const [key, name] of [
      ['depends', 'Depends'],
      ['preDepends', 'Pre-Depends'],
      ['provides', 'Provides'],
      ['breaks', 'Breaks'],
      ['conflicts', 'Conflicts'],
    ] as const) {
      const value = field(name);
      if (value !== undefined) deb[key] = value;
    }
    out.push(deb);
  }
  return out;
}

function nativeArch(installed: readonly InstalledDeb[], report: ScanReport): string {
  const dpkg = installed.find((p) => p.name === 'dpkg');
  if (dpkg !== undefined) return dpkg.arch;
  const byGoArch: Record<string, string> = { amd64: 'amd64', arm64: 'arm64', arm: 'armhf', '386': 'i386', ppc64le: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };
  return byGoArch[report.image.architecture ?? ''] ?? 'amd64';
}

function emptyPlan(): ResolvedPlan {
  return { upgrades: [], newPackages: [], unfixable: [], alreadyFixed: [] };
}

function readBackReference(written: WrittenPatchedImage): string {
  switch (written.format) {
    case 'oci':
      return `oci:${written.path}${written.tag ? `:${written.tag}` : ''}`;
    case 'oci-archive':
      return `oci-archive:${written.path}${written.tag ? `:${written.tag}` : ''}`;
    case 'docker-archive':
      return `docker-archive:${written.path}`;
    case 'registry':
      // By digest: the rescan reads exactly what was pushed, whatever the tag points at by then.
      return written.pushed?.reference ?? written.path;
  }
}

/** Which planned fixes took: a finding of the same id on a package built from an upgraded source must be gone. */
function compareScans(result: FixResult, resolved: ResolvedPlan): void {
  const after = result.after!;
  const upgradedSources = new Map<string, PlannedPackage>();
  for (const p of resolved.upgrades) upgradedSources.set(p.source, p);
  const remaining = new Set(after.findings.filter((f) => f.suppression === undefined).map((f) => `${f.id} ${f.package.source?.name ?? f.package.name}`));
  for (const u of result.wanted.upgrades) {
    const planned = upgradedSources.get(u.source);
    if (planned === undefined) continue;
    for (const fix of u.fixes) {
      const key = `${fix.id} ${u.source}`;
      if (remaining.has(key)) result.notTaken.push({ id: fix.id, package: u.source });
      else result.fixed.push({ id: fix.id, package: u.source, from: u.installed, to: planned.sourceVersion });
    }
  }
}
