/**
 * Findings: what matching concludes, and what every vulnerability report renders. Plain data, sorted in risk
 * order (see match/risk.ts). The advisory-side shapes that a finding carries (KEV, EPSS, severities) live here
 * too, so reports depend on core only.
 */
import type { Distro, Ecosystem, ImageDescription, Inventory, SourcePackage } from './model.js';

/** What an advisory is about. Only `vulnerability` and `malicious` are findings by default; the rest are notices. */
export type AdvisoryKind = 'vulnerability' | 'malicious' | 'unmaintained' | 'unsound' | 'notice';

/**
 * How an affected package stands, as the feed says.
 * - `affected`: decide by `ranges`/`versions` (a `fixed` event gives the fix);
 * - `unfixed`: every version is affected and there is no fix yet (Debian `<unfixed>` / open);
 * - `will-not-fix`: affected, and the distro decided not to fix (Debian no-dsa / ignored, Ubuntu "ignored");
 * - `end-of-life`: affected, and the package is no longer supported in that release;
 * - `unimportant`: affected, but the distro rates it as not a security problem in practice (Debian `unimportant`);
 * - `not-affected`: the distro says this release never was affected (Alpine secfix `0`, Debian fixed_version `0`,
 *   `<not-affected>`). Kept so a report can explain why nothing matched; never a finding.
 */
export type AffectedStatus = 'affected' | 'unfixed' | 'will-not-fix' | 'end-of-life' | 'unimportant' | 'not-affected';

/** A severity as a source states it: a CVSS vector, or a named level from a distro or GHSA. */
export interface SeverityRating {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'level';
  /** The CVSS vector, or for `level` the source's own word (`HIGH`, `MODERATE`, `medium`, `not yet assigned`…). */
  value: string;
  /** Who said so: the feed name (`osv-npm`, `debian-tracker`, `ghsa`). */
  source: string;
}

/** CISA Known Exploited Vulnerabilities catalog entry. */
export interface KevEntry {
  cve: string;
  vendorProject?: string;
  product?: string;
  name?: string;
  dateAdded: string;
  dueDate?: string;
  requiredAction?: string;
  knownRansomwareCampaignUse: boolean;
}

/** FIRST EPSS score of one CVE. */
export interface EpssScore {
  cve: string;
  /** Probability of exploitation activity in the next 30 days, 0…1. */
  score: number;
  percentile: number;
  /** The score date of the file it came from, YYYY-MM-DD. */
  date?: string;
}

export type SeverityLevel = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

/**
 * Where a finding stands for this package:
 * - `fixed`: a fixed version exists (`fixedVersions`), the installed one is older;
 * - `unfixed`, `will-not-fix`, `end-of-life`, `unimportant`: affected, no fix to take (the distro's status);
 * - `unknown`: the installed version or the advisory's range could not be read, so grout cannot tell — shown,
 *   never silently dropped, never counted by --fail-on.
 */
export type FindingState = 'fixed' | 'unfixed' | 'will-not-fix' | 'end-of-life' | 'unimportant' | 'unknown';

export interface CvssScore {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  /** Base score 0.0…10.0. */
  score: number;
  source: string;
}

/** How a finding was found: the query, the advisory entry and range that matched, the feed. */
export interface MatchEvidence {
  feed: string;
  advisory: string;
  /** What was looked up: the ecosystem (`Debian:12`, `npm`), the name (source package for distros) and version. */
  query: { ecosystem: string; name: string; version: string };
  /** The matched range in words, e.g. `introduced 0, fixed 4.17.21`, or `versions[] lists 1.2.0`, or the status. */
  matched: string;
  status: AffectedStatus;
  fixed: string[];
  /** Why the verdict is unknown, when it is. */
  unknownReason?: string;
}

export interface FindingPackage {
  /** The inventory package id. */
  id: string;
  name: string;
  version: string;
  ecosystem: Ecosystem;
  purl: string;
  source?: SourcePackage;
  /** In-image path of the evidence (package database, lockfile, jar). */
  path: string;
  /** Index of the layer that brought the package, and that layer's diffId and created_by. */
  layer?: number;
  layerDiffId?: string;
  layerCreatedBy?: string;
}

/** Why a finding is not counted: an ignore rule or a VEX statement. */
export interface Suppression {
  by: 'ignore-file' | 'vex';
  /** The file the rule or statement came from. */
  source: string;
  reason?: string;
  /** VEX status (`not_affected`, `fixed`) and justification (`vulnerable_code_not_in_execute_path`…). */
  vexStatus?: string;
  justification?: string;
  /** Ignore rule expiry, YYYY-MM-DD. */
  expires?: string;
}

export interface Finding {
  /** The vulnerability's id: its CVE when it has one, else the advisory id (GHSA-…, RUSTSEC-…, GO-…). */
  id: string;
  /** Every other id of the same vulnerability seen in any feed (GHSA, DSA, DLA, PYSEC, USN…), sorted. */
  aliases: string[];
  kind: AdvisoryKind;
  summary?: string;
  /** Severity from the best source (documented in match/severity.ts). */
  severity: SeverityLevel;
  /** Which rating decided the severity, e.g. `debian-tracker: high`, `CVSS_V3 9.8 (osv-npm)`. */
  severitySource: string;
  cvss: CvssScore[];
  kev?: KevEntry;
  epss?: EpssScore;
  references: string[];
  cwes: string[];
  published?: string;
  package: FindingPackage;
  state: FindingState;
  /** Versions that fix it, in the ecosystem's order, lowest first; the first one above the installed version is the target. */
  fixedVersions: string[];
  evidence: MatchEvidence[];
  suppression?: Suppression;
}

/** An ignore rule whose expiry has passed: it no longer suppresses anything, and reports say so. */
export interface ExpiredIgnoreRule {
  id: string;
  expires: string;
  reason?: string;
  source: string;
}

export interface DatabaseSummary {
  /** Path of the database file. */
  path: string;
  builtAt: string;
  /** Per feed: name and when its data was last replaced. */
  feeds: { name: string; updatedAt?: string; advisories: number }[];
  /** The database is older than the configured maximum age. */
  stale: boolean;
}

/** End-of-life state of the image's distro release, from the endoflife.date data. */
export interface DistroEol {
  product: string;
  cycle: string;
  /** YYYY-MM-DD end of security support, or true when ended without a date. */
  eol?: string | boolean;
  ended: boolean;
  /** End of extended support (Debian LTS, Ubuntu Pro/ESM), when the release has one: YYYY-MM-DD, or a boolean. */
  extendedUntil?: string | boolean;
  /** Extended support has ended too. */
  extendedEnded?: boolean;
}

export interface ScanReport {
  /** The scanned inventory (image, distro, packages, layers): the CycloneDX report embeds its components. */
  inventory: Inventory;
  image: ImageDescription;
  distro?: Distro;
  /** Every finding, suppressed ones included (with `suppression` set), sorted in risk order. */
  findings: Finding[];
  expiredIgnores: ExpiredIgnoreRule[];
  database: DatabaseSummary;
  distroEol?: DistroEol;
  /** When the scan ran, ISO-8601 (injected, so tests are deterministic). */
  scannedAt: string;
}
