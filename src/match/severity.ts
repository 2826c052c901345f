/**
 * A finding's severity from the best source, as grout documents it:
 *
 * 1. A **malicious** package is `critical`, whatever the ratings.
 * 2. **OS packages** (deb, apk, rpm): the distro's own rating wins — the per-release rating on the matched entry
 *    (Debian urgency, Ubuntu priority for that release) before an advisory-wide distro rating; words are read as
 *    below and `unimportant` is `negligible`. Without a usable distro word: CVSS v3.x, then v4.0, then v2.
 * 3. **Language packages**: CVSS v3.x, then v4.0, then the GHSA level (`MODERATE` is `medium`), then CVSS v2.
 * 4. Within one tier the highest rating wins (several feeds rating the same vulnerability: the worst case).
 * 5. Nothing usable: `unknown`.
 *
 * CVSS base scores map to levels by FIRST's qualitative scale (CVSS v3.1 §5, v4.0 §6): 0.1–3.9 low, 4.0–6.9
 * medium, 7.0–8.9 high, 9.0–10.0 critical. FIRST calls 0.0 "None"; grout has no such level and reports it as
 * `negligible`. Distro words that rate nothing (`not yet assigned`, `untriaged`, `end-of-life`) are skipped.
 */
import type { AdvisoryKind, CvssScore, SeverityLevel, SeverityRating } from '../core/finding.js';
import type { Advisory, AffectedPackage } from '../vulndb/advisory.js';
import { scoreCvss } from './cvss.js';

export interface SeverityEntry {
  advisory: Advisory;
  affected: AffectedPackage;
}

export interface SeverityChoice {
  severity: SeverityLevel;
  severitySource: string;
  cvss: CvssScore[];
}

const LEVEL_RANK: Readonly<Record<SeverityLevel, number>> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

const WORDS: Readonly<Record<string, SeverityLevel>> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  negligible: 'negligible',
  unimportant: 'negligible',
};

/** A distro or GHSA severity word as a level; undefined for words that rate nothing (`not yet assigned`). */
export function levelOfWord(word: string): SeverityLevel | undefined {
  const key = word.trim().toLowerCase().replace(/\*+$/, '');
  return Object.hasOwn(WORDS, key) ? WORDS[key] : undefined;
}

/** FIRST's qualitative rating of a CVSS base score. */
export function levelOfScore(score: number): SeverityLevel {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score >= 0.1) return 'low';
  return 'negligible';
}

export function chooseSeverity(kind: AdvisoryKind, entries: readonly SeverityEntry[], osPackage: boolean): SeverityChoice {
  const cvss = cvssScores(entries);
  if (kind === 'malicious') return { severity: 'critical', severitySource: 'malicious package', cvss };

  const perRelease = levelRatings(entries.flatMap((e) => e.affected.severity ?? []));
  const advisoryLevels = levelRatings(entries.flatMap((e) => e.advisory.severity));
  const byVersion = (prefix: string): CvssScore[] => cvss.filter((c) => c.version.startsWith(prefix));
  const tiers: (() => SeverityChoice | undefined)[] = osPackage
    ? [() => bestLevel(perRelease, cvss), () => bestLevel(advisoryLevels, cvss), () => bestCvss(byVersion('3'), cvss), () => bestCvss(byVersion('4'), cvss), () => bestCvss(byVersion('2'), cvss)]
    : [() => bestCvss(byVersion('3'), cvss), () => bestCvss(byVersion('4'), cvss), () => bestLevel([...perRelease, ...advisoryLevels], cvss), () => bestCvss(byVersion('2'), cvss)];
  for (const tier of tiers) {
    const choice = tier();
    if (choice !== undefined) return choice;
  }
  return { severity: 'unknown', severitySource: 'no rating', cvss };
}

function levelRatings(ratings: readonly SeverityRating[]): { rating: SeverityRating; level: SeverityLevel }[] {
  const out: { rating: SeverityRating; level: SeverityLevel }[] = [];
  for (const rating of ratings) {
    if (rating.type !== 'level') continue;
    const level = levelOfWord(rating.value);
    if (level !== undefined) out.push({ rating, level });
  }
  return out;
}

function bestLevel(levels: readonly { rating: SeverityRating; level: SeverityLevel }[], cvss: CvssScore[]): SeverityChoice | undefined {
  let best: { rating: SeverityRating; level: SeverityLevel } | undefined;
  for (const l of levels) {
    if (best === undefined || LEVEL_RANK[l.level] > LEVEL_RANK[best.level] || (LEVEL_RANK[l.level] === LEVEL_RANK[best.level] && l.rating.source < best.rating.source)) best = l;
  }
  return best === undefined ? undefined : { severity: best.level, severitySource: `${best.rating.source}: ${best.rating.value}`, cvss };
}

function bestCvss(scores: readonly CvssScore[], cvss: CvssScore[]): SeverityChoice | undefined {
  const best = [...scores].sort((a, b) => b.score - a.score)[0];
  if (best === undefined) return undefined;
  const type = best.version === '2.0' ? 'CVSS_V2' : best.version === '4.0' ? 'CVSS_V4' : 'CVSS_V3';
  return { severity: levelOfScore(best.score), severitySource: `${type} ${best.score.toFixed(1)} (${best.source})`, cvss };
}

/** Every scorable vector of the group, once per (vector, source): newest CVSS version first, then highest score. */
function cvssScores(entries: readonly SeverityEntry[]): CvssScore[] {
  const seen = new Set<string>();
  const out: CvssScore[] = [];
  for (const e of entries) {
    for (const rating of [...e.advisory.severity, ...(e.affected.severity ?? [])]) {
      if (rating.type === 'level') continue;
      const key = `${rating.value}\u0000${rating.source}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const scored = scoreCvss(rating.value);
      if (scored !== undefined) out.push({ version: scored.version, vector: rating.value, score: scored.score, source: rating.source });
    }
  }
  return out.sort((a, b) => b.version.localeCompare(a.version) || b.score - a.score || (a.vector < b.vector ? -1 : a.vector > b.vector ? 1 : 0) || (a.source < b.source ? -1 : 1));
}
