/**
 * CVSS vectors to base scores, with `ae-cvss-calculator`. The calculator scores incomplete vectors as 0 and throws
 * a TypeError on some garbage, so every vector is first checked here: each base metric present once with a value
 * its specification allows (https://www.first.org/cvss/). An invalid vector is ignored, never a crash.
 */
import cvss from 'ae-cvss-calculator';
import type { CvssScore } from '../core/finding.js';

const MAX_VECTOR_LENGTH = 512;

type CvssVersion = CvssScore['version'];

const BASE_METRICS: Record<'2' | '3' | '4', Readonly<Record<string, string>>> = {
  '2': { AV: 'LAN', AC: 'HML', Au: 'MSN', C: 'NPC', I: 'NPC', A: 'NPC' },
  '3': { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' },
  '4': { AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN' },
};

/** Scores by vector: feeds repeat the same few thousand vectors across advisories. Bounded; dropped when full. */
const scored = new Map<string, { version: CvssVersion; score: number } | undefined>();
const MEMO_LIMIT = 50_000;

/** The version and base score of a vector, or undefined when it is not a valid CVSS v2, v3.0, v3.1 or v4.0 vector. */
export function scoreCvss(vector: string): { version: CvssVersion; score: number } | undefined {
  if (typeof vector !== 'string' || vector.length > MAX_VECTOR_LENGTH) return undefined;
  if (scored.has(vector)) return scored.get(vector);
  if (scored.size >= MEMO_LIMIT) scored.clear();
  const result = computeScore(vector);
  scored.set(vector, result);
  return result;
}

function computeScore(vector: string): { version: CvssVersion; score: number } | undefined {
  let text = vector.trim();
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1);
  let version: CvssVersion;
  let body: string;
  if (text.startsWith('CVSS:4.0/')) [version, body] = ['4.0', text.slice(9)];
  else if (text.startsWith('CVSS:3.1/')) [version, body] = ['3.1', text.slice(9)];
  else if (text.startsWith('CVSS:3.0/')) [version, body] = ['3.0', text.slice(9)];
  else if (text.startsWith('CVSS:2.0/')) [version, body] = ['2.0', text.slice(9)];
  else if (!text.startsWith('CVSS:')) [version, body] = ['2.0', text];
  else return undefined;
  if (!hasBaseMetrics(body, BASE_METRICS[version[0] as '2' | '3' | '4'])) return undefined;
  const canonical = version === '2.0' ? body : `CVSS:${version}/${body}`;
  let base: unknown;
  try {
    const calculator =
      version === '4.0' ? new cvss.Cvss4P0(canonical) : version === '3.1' ? new cvss.Cvss3P1(canonical) : version === '3.0' ? new cvss.Cvss3P0(canonical) : new cvss.Cvss2(canonical);
    base = calculator.calculateScores().base;
  } catch {
    // The calculator rejects metrics it does not know; such a vector is not one grout can score.
    return undefined;
  }
  if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) return undefined;
  return { version, score: Math.round(base * 10) / 10 };
}

function hasBaseMetrics(body: string, required: Readonly<Record<string, string>>): boolean {
  const seen = new Map<string, string>();
  for (const part of body.split('/')) {
    const m = /^([A-Za-z]{1,4}):([A-Za-z]{1,2})$/.exec(part);
    if (!m) return false;
    const [, key, value] = m as unknown as [string, string, string];
    if (seen.has(key)) return false;
    seen.set(key, value);
  }
  for (const [key, allowed] of Object.entries(required)) {
    const value = seen.get(key);
    if (value === undefined || value.length !== 1 || !allowed.includes(value)) return false;
  }
  return true;
}
