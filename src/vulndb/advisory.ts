/**
 * The advisory model every feed is normalised into. It is OSV-shaped (https://ossf.github.io/osv-schema/) so OSV
 * records pass through almost unchanged, and distro trackers (Alpine secdb, Debian DSA/DLA lists and tracker JSON)
 * are converted into it: one advisory per published id, one `affected` entry per (release ecosystem, source package).
 */
import type { AdvisoryKind, AffectedStatus, EpssScore, KevEntry, SeverityRating } from '../core/finding.js';
import type { OsvRange } from '../version/index.js';

export type { AdvisoryKind, AffectedStatus, EpssScore, KevEntry, SeverityRating };

export interface AffectedPackage {
  /**
   * The OSV ecosystem string exactly as OSV writes it: `npm`, `PyPI`, `Go`, `crates.io`, `Maven`, `NuGet`,
   * `RubyGems`, `Packagist`, `Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `Ubuntu:Pro:16.04:LTS`.
   * Distro feeds use the same form (Debian by release number, Alpine by `v<major>.<minor>`).
   */
  ecosystem: string;
  /** The package name as the feed writes it; for distros the **source** package (Alpine origin). */
  name: string;
  status: AffectedStatus;
  ranges: OsvRange[];
  /** Explicitly listed affected versions (OSV `versions[]`). */
  versions: string[];
  /** A per-package severity, e.g. Debian urgency or Ubuntu priority for this release. */
  severity?: SeverityRating[];
  /** Binary package names this entry is limited to (Ubuntu `ecosystem_specific.binaries`), when the feed says. */
  binaries?: string[];
  /** Free text the feed gives for this package (Debian `NOTE:`, not-affected reason). */
  note?: string;
}

export interface Advisory {
  /** The feed's id: CVE-…, GHSA-…, DSA-5380-1, PYSEC-…, RUSTSEC-…, GO-…, MAL-…, ALPINE-13661. */
  id: string;
  /** Other ids of the same vulnerability (OSV `aliases`; a DSA's CVE list), sorted, without `id`. */
  aliases: string[];
  /** Related but not identical ids (OSV `related`, `upstream`). */
  related: string[];
  /** Feed name that produced it, e.g. `osv-npm`, `alpine-secdb`, `debian-dsa`. */
  feed: string;
  kind: AdvisoryKind;
  summary?: string;
  details?: string;
  /** ISO-8601, as the feed writes it. */
  published?: string;
  modified?: string;
  severity: SeverityRating[];
  /** Reference URLs, in feed order, de-duplicated. */
  references: string[];
  /** CWE ids, e.g. CWE-79. */
  cwes: string[];
  affected: AffectedPackage[];
}

/** One release cycle of an endoflife.date product. Dates are YYYY-MM-DD; a boolean means "yes/no, no date". */
export interface EolCycle {
  product: string;
  cycle: string;
  codename?: string;
  releaseDate?: string;
  /** End of security support. */
  eol?: string | boolean;
  /** End of active support. */
  eoas?: string | boolean;
  /** End of extended support (Debian LTS, Ubuntu Pro, …). */
  eoes?: string | boolean;
  latest?: string;
  lts?: string | boolean;
}

/** What a feed parser yields, one at a time, so a large feed is never held whole in memory. */
export type FeedItem =
  | { type: 'advisory'; advisory: Advisory }
  | { type: 'kev'; entry: KevEntry }
  | { type: 'epss'; score: EpssScore }
  | { type: 'eol'; cycle: EolCycle }
  /** A record that was malformed or out of scope: counted and shown by `grout db status`, never fatal. */
  | { type: 'skipped'; where: string; reason: string };
