/**
 * Everything the fix orchestrator needs from an image's APT repositories, in two calls: `loadAptRepositories`
 * (sources → verified releases → one package index) before planning, `downloadPlanned` (a verified .deb) after.
 */
import { join } from 'node:path';
import type { HttpGetOptions } from './http-get.js';
import { downloadVerified } from './http-get.js';
import { KeyringLoader, type NamedKeyFile } from './keyring.js';
import { fetchPackagesIndex, mergeIndexes, type PackagesIndex } from './packages-index.js';
import { fetchRelease, type Release } from './release.js';
import type { PlannedPackage } from './resolve.js';
import type { ReleaseIndex } from './security-suite.js';
import { aptSources, type AptSource, type ImageFiles, type SourceIssue } from './sources.js';

export interface AptRepositoryOptions extends HttpGetOptions {
  /** The image's dpkg architecture. */
  arch: string;
  /** `--repo` values (see SourceListOptions.repos). */
  repos?: readonly string[];
  /** `--keyring` files: when given, the only keys trusted. */
  keyrings?: readonly NamedKeyFile[];
  /** Accept `trusted=yes` sources. */
  allowUnsigned?: boolean;
  /** The clock for Valid-Until and key validity. */
  now?: Date;
  /** The verified-index cache directory, or false for none (see PackagesFetchOptions.indexCache). */
  indexCache?: string | false;
}

export interface AptRepositories {
  sources: AptSource[];
  releases: Release[];
  /** All sources' packages for the architecture (and `all`), merged in source order. */
  index: PackagesIndex;
  /** Each verified release with its own index, in source order (security suites are told apart by these). */
  releaseIndexes: ReleaseIndex[];
  /** Non-fatal: unusable source lines, unreadable default keys, components missing for the architecture. */
  issues: SourceIssue[];
}

/**
 * Read the image's sources, fetch and verify each release file, fetch each Packages index by its signed hash.
 * Fatal (GroutError naming the URL): E_SIGNATURE, E_DIGEST_MISMATCH, E_NETWORK, E_USAGE (no sources).
 * @example const repos = await loadAptRepositories(imageFiles, { arch: 'amd64' });
 * const plan = resolvePlan({ installed, wanted, index: repos.index, arch: 'amd64' });
 */
export async function loadAptRepositories(files: ImageFiles, options: AptRepositoryOptions): Promise<AptRepositories> {
  const { sources, issues } = aptSources(files, {
    arch: options.arch,
    ...(options.repos === undefined ? {} : { repos: options.repos }),
    ...(options.allowUnsigned === undefined ? {} : { allowUnsigned: options.allowUnsigned }),
  });
  const keyring = new KeyringLoader(files, options.keyrings === undefined ? {} : { keyrings: options.keyrings });
  const releases: Release[] = [];
  const indexes: PackagesIndex[] = [];
  const releaseIndexes: ReleaseIndex[] = [];
  for (const source of sources) {
    const keys = source.trusted ? [] : await keyring.keysFor(source);
    const release = await fetchRelease(source, keys, options);
    if (release.architectures.length > 0 && !release.architectures.includes(options.arch) && !source.suite.endsWith('/')) {
      issues.push({ path: release.url, reason: `has no packages for ${options.arch} (Architectures: ${release.architectures.join(' ')})` });
      continue;
    }
    releases.push(release);
    const index = await fetchPackagesIndex(release, options.arch, options);
    indexes.push(index);
    releaseIndexes.push({ release, index });
  }
  const index = mergeIndexes(indexes);
  issues.push(...keyring.issues, ...index.issues.map((i) => ({ path: i.where, reason: i.reason })));
  return { sources, releases, index, releaseIndexes, issues };
}

/** Where a planned package is fetched from. */
export function packageUrl(p: Pick<PlannedPackage, 'archive' | 'filename'>): string {
  return `${p.archive}/${p.filename}`;
}

/**
 * Download a planned package into `dir` as `<name>_<version>_<arch>.deb`, checked against the size and SHA256 of
 * the signed index (E_DIGEST_MISMATCH naming the URL; nothing left behind). Returns the file path.
 */
export async function downloadPlanned(p: PlannedPackage, dir: string, options: HttpGetOptions = {}): Promise<string> {
  const file = join(dir, `${p.name}_${p.to.replace(/:/g, '%3a')}_${p.arch}.deb`);
  await downloadVerified(packageUrl(p), file, { size: p.size, sha256: p.sha256 }, options);
  return file;
}
