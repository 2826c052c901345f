import { readFile } from 'node:fs/promises';
import type { ProgressListener } from '../core/events.js';
import { GroutError } from '../core/errors.js';
import type { DatabaseSummary, Finding, FindingState, ScanReport, SeverityLevel } from '../core/finding.js';
import type { Inventory } from '../core/model.js';
import type { RegistrySourceOptions } from '../image/index.js';
import { applySuppressions, distroEol, matchInventory, readIgnoreFile, readVexDocument } from '../match/index.js';
import { decodeSbom } from '../sbom/index.js';
import { openAdvisoryStore, type AdvisoryStore } from '../vulndb/index.js';
import { inventory } from './inventory.js';

export interface ScanOptions {
  /** The vulnerability database file (see vulndb's config for the default). */
  dbPath: string;
  /** The database counts as stale past this age (hours). */
  maxAgeHours?: number;
  platform?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Use the per-layer cache (default true). */
  cache?: boolean;
  /** Credentials, CA and TLS options for registry references. */
  registry?: RegistrySourceOptions;
  /** An ignore file (.groutignore.yaml); absent → none. */
  ignoreFile?: string;
  /** OpenVEX or CycloneDX VEX documents whose not_affected / fixed statements suppress findings. */
  vexFiles?: readonly string[];
  /** Also report unmaintained / unsound / notice advisories (RustSec informational). */
  includeNotices?: boolean;
  /** Keep only findings with a fixed version to take. */
  onlyFixed?: boolean;
  /** Keep only these severities. */
  severities?: readonly SeverityLevel[];
  /** Drop findings in these distro states (e.g. will-not-fix, unimportant). */
  ignoreStates?: readonly FindingState[];
  /** The clock, injected for deterministic output. */
  now?: Date;
}

export const SBOM_SOURCE_PREFIX = 'sbom:';

/**
 * Scan an image (any source `inventory` reads) or an SBOM file (`sbom:path`, CycloneDX or SPDX JSON) for known
 * vulnerabilities: inventory → match against the local advisory store → suppress by ignore rules and VEX →
 * filter as asked. Returns the report every vulnerability format renders.
 *
 * @example
 * const report = await scan('oci:./layout:latest', { dbPath: defaultDbPath() });
 * console.log(report.findings.filter((f) => f.severity === 'critical').map((f) => f.id));
 */
export async function scan(source: string, options: ScanOptions): Promise<ScanReport> {
  const now = options.now ?? new Date();
  // Open the database first: with none, the user learns it before waiting for an image to be read.
  const store = openAdvisoryStore(options.dbPath);
  try {
    const inv = await scanInput(source, options);
    const rules = options.ignoreFile === undefined ? undefined : await readIgnoreFile(options.ignoreFile);
    const vex = await Promise.all((options.vexFiles ?? []).map((file) => readVexDocument(file)));
    const matched = matchInventory(inv, store, { includeNotices: options.includeNotices === true, now });
    const { findings, expiredIgnores } = applySuppressions(matched, { ...(rules ? { ignore: rules } : {}), vex, now, image: inv.image });
    const eol = inv.distro ? distroEol(inv.distro, store, now) : undefined;
    return {
      inventory: inv,
      image: inv.image,
      ...(inv.distro ? { distro: inv.distro } : {}),
      findings: findings.filter(keep(options)),
      expiredIgnores,
      database: databaseSummary(store, options, now),
      ...(eol ? { distroEol: eol } : {}),
      scannedAt: now.toISOString(),
    };
  } finally {
    store.close();
  }
}

/** The inventory of an image, or of the image an SBOM file describes. */
export async function scanInput(source: string, options: Pick<ScanOptions, 'platform' | 'signal' | 'onProgress' | 'cache' | 'registry'>): Promise<Inventory> {
  if (!source.startsWith(SBOM_SOURCE_PREFIX)) {
    return inventory(source, {
      ...(options.cache === false ? { cache: false } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
  const file = source.slice(SBOM_SOURCE_PREFIX.length);
  if (file === '') throw new GroutError('E_SOURCE_SYNTAX', 'sbom: needs a file, e.g. sbom:image.cdx.json');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new GroutError('E_IMAGE_NOT_FOUND', `cannot read SBOM ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { file, cause });
  }
  return decodeSbom(bytes, file);
}

function keep(options: ScanOptions): (finding: Finding) => boolean {
  const severities = options.severities ? new Set(options.severities) : undefined;
  const dropped = new Set(options.ignoreStates ?? []);
  return (f) => (severities === undefined || severities.has(f.severity)) && !dropped.has(f.state) && (options.onlyFixed !== true || f.state === 'fixed');
}

function databaseSummary(store: AdvisoryStore, options: ScanOptions, now: Date): DatabaseSummary {
  const meta = store.metadata();
  const maxAgeMs = (options.maxAgeHours ?? 120) * 3600_000;
  return {
    path: options.dbPath,
    builtAt: meta.builtAt,
    feeds: meta.feeds.map((f) => ({ name: f.name, ...(f.updatedAt ? { updatedAt: f.updatedAt } : {}), advisories: f.advisories })),
    stale: now.getTime() - Date.parse(meta.builtAt) > maxAgeMs,
  };
}

export const SEVERITY_LEVELS: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/**
 * The findings that make `--fail-on <level>` fail the run: not suppressed, a real verdict (state not `unknown`),
 * of kind vulnerability or malicious, and of that severity or worse. `unknown` severity counts only for
 * `--fail-on unknown`.
 */
export function failingFindings(findings: readonly Finding[], threshold: SeverityLevel): Finding[] {
  const rank = (s: SeverityLevel): number => SEVERITY_LEVELS.indexOf(s);
  return findings.filter(
    (f) => f.suppression === undefined && f.state !== 'unknown' && (f.kind === 'vulnerability' || f.kind === 'malicious') && rank(f.severity) <= rank(threshold),
  );
}
