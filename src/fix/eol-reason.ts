/**
 * "End-of-life release" as the reason a fix has no candidate: when the image's release no longer gets security
 * updates (and no extended support runs), the archive will not get one either. Pure.
 */
import type { DistroEol } from '../core/finding.js';
import type { Unfixable } from './apt/resolve.js';

/** `support ended DATE` text when the release is end-of-life with no extended support running, else undefined. */
export function endOfLifeText(eol: DistroEol | undefined): string | undefined {
  if (eol === undefined || !eol.ended) return undefined;
  const extendedRunning = eol.extendedUntil !== undefined && eol.extendedUntil !== false && eol.extendedEnded !== true;
  if (extendedRunning) return undefined;
  return typeof eol.eol === 'string' ? `end-of-life release (support ended ${eol.eol})` : 'end-of-life release (support ended)';
}

/** Unfixable entries that found no candidate say so when the release is end-of-life; others stay as they are. */
export function withEndOfLifeReason(unfixable: readonly Unfixable[], eol: DistroEol | undefined): Unfixable[] {
  const text = endOfLifeText(eol);
  if (text === undefined) return [...unfixable];
  return unfixable.map((u) => (u.reason.startsWith('no repository offers') ? { ...u, reason: `${text}: ${u.reason}` } : u));
}
