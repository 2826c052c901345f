/**
 * Gathers secfixes from any number of secdb documents into advisories: **one advisory per id**, with one affected
 * entry per (branch ecosystem, origin package) it appears in — the shape `advisory.ts` documents for distro feeds,
 * so `AdvisoryStore.advisory(id)` is one record however many branches list the id.
 *
 * An entry is `affected` with range `introduced 0, fixed <key>` (the lowest key first when an id is listed under
 * several keys of one branch), or `not-affected` (no ranges) when the id is listed only under the `"0"` key.
 */
import type { Advisory, AffectedPackage, FeedItem } from '../../advisory.js';
import { GroutError } from '../../../core/errors.js';
import { apkScheme } from '../../../version/index.js';
import type { SecdbPackage } from './secdb-document.js';
import { parseSecfixIds } from './secfix-ids.js';

export const COLLECTOR_LIMITS = {
  keysPerPackage: 10_000,
  idsPerKey: 10_000,
  /** All (id, branch, origin) entries of one input: a bound on memory, far above all of Alpine's branches. */
  entries: 5_000_000,
} as const;

/** An origin name as aports names packages. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,255}$/;
/** An apk version as secdb keys write it; odd-but-versiony keys (`0.8.21.r2`) are kept for matching to judge. */
const FIXED_KEY = /^[0-9][0-9A-Za-z._+~-]{0,127}$/;

interface Entry {
  ecosystem: string;
  name: string;
  fixed: Set<string>;
  notAffected: boolean;
  notes: Set<string>;
}

interface Collected {
  related: Set<string>;
  entries: Map<string, Entry>;
}

export class SecfixCollector {
  readonly #byId = new Map<string, Collected>();
  #entries = 0;

  /** Add one package's secfixes; returns the skipped items (garbage keys and strings), each naming `where`. */
  add(ecosystem: string, pkg: SecdbPackage, where: string): FeedItem[] {
    const skipped: FeedItem[] = [];
    const skip = (reason: string): void => {
      skipped.push({ type: 'skipped', where: `${where} ${pkg.at}`, reason });
    };
    if (!NAME.test(pkg.name)) {
      skip(`package name ${JSON.stringify(pkg.name.slice(0, 80))} is missing or malformed`);
      return skipped;
    }
    const { secfixes } = pkg;
    if (secfixes === undefined || secfixes === null || secfixes === '') return skipped; // a package with no fixes yet
    if (typeof secfixes !== 'object' || Array.isArray(secfixes)) {
      skip(`${pkg.name}: secfixes is not a map of fixed version → ids`);
      return skipped;
    }
    const keys = Object.entries(secfixes as Record<string, unknown>);
    if (keys.length > COLLECTOR_LIMITS.keysPerPackage) {
      skip(`${pkg.name}: ${keys.length} secfix keys (at most ${COLLECTOR_LIMITS.keysPerPackage} are read)`);
      return skipped;
    }
    for (const [key, value] of keys) {
      const fixed = key.trim();
      if (fixed !== '0' && !FIXED_KEY.test(fixed)) {
        skip(`${pkg.name}: secfix key ${JSON.stringify(key.slice(0, 80))} is not an apk version`);
        continue;
      }
      const strings = typeof value === 'string' && value.trim() !== '' ? [value] : Array.isArray(value) ? value : [];
      if (strings.length === 0) {
        skip(`${pkg.name} ${fixed}: no ids listed`);
        continue;
      }
      if (strings.length > COLLECTOR_LIMITS.idsPerKey) {
        skip(`${pkg.name} ${fixed}: ${strings.length} ids (at most ${COLLECTOR_LIMITS.idsPerKey} are read)`);
        continue;
      }
      for (const item of strings) {
        if (typeof item !== 'string') {
          skip(`${pkg.name} ${fixed}: an id that is not a string`);
          continue;
        }
        const parsed = parseSecfixIds(item);
        if ('problem' in parsed) {
          skip(`${pkg.name} ${fixed}: ${parsed.problem}`);
          continue;
        }
        for (const { id, related } of parsed.ids) this.#record(id, related, ecosystem, pkg.name, fixed, parsed.note, where);
      }
    }
    return skipped;
  }

  #record(id: string, related: string[], ecosystem: string, name: string, fixed: string, note: string | undefined, where: string): void {
    let collected = this.#byId.get(id);
    if (collected === undefined) {
      collected = { related: new Set(), entries: new Map() };
      this.#byId.set(id, collected);
    }
    for (const r of related) collected.related.add(r);
    const key = `${ecosystem}\u0000${name}`;
    let entry = collected.entries.get(key);
    if (entry === undefined) {
      this.#entries += 1;
      if (this.#entries > COLLECTOR_LIMITS.entries) {
        throw new GroutError('E_TOO_LARGE', `${where}: more than ${COLLECTOR_LIMITS.entries} secfix entries in one input`, { file: where });
      }
      entry = { ecosystem, name, fixed: new Set(), notAffected: false, notes: new Set() };
      collected.entries.set(key, entry);
    }
    if (fixed === '0') entry.notAffected = true;
    else entry.fixed.add(fixed);
    if (note !== undefined) entry.notes.add(note);
  }

  /** The advisories, sorted by id, each with its entries sorted by ecosystem and name. */
  *advisories(feed: string): Generator<Advisory> {
    const ids = [...this.#byId.keys()].sort();
    for (const id of ids) {
      const collected = this.#byId.get(id);
      if (collected === undefined) continue;
      const affected = [...collected.entries.values()].sort(byEcosystemAndName).map(toAffected);
      yield { id, aliases: [], related: [...collected.related].sort(), feed, kind: 'vulnerability', severity: [], references: [], cwes: [], affected };
    }
  }
}

function toAffected(entry: Entry): AffectedPackage {
  const notes = [...entry.notes];
  if (entry.fixed.size === 0) {
    const affected: AffectedPackage = { ecosystem: entry.ecosystem, name: entry.name, status: 'not-affected', ranges: [], versions: [] };
    if (notes.length > 0) affected.note = notes.join('; ');
    return affected;
  }
  // Also under "0" and under a fix: the fix is the stronger statement (the "0" is usually a copy-paste slip).
  if (entry.notAffected) notes.push('also listed under "0" (not affected) in this branch');
  const fixed = [...entry.fixed].sort(compareApk);
  const affected: AffectedPackage = {
    ecosystem: entry.ecosystem,
    name: entry.name,
    status: 'affected',
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...fixed.map((f) => ({ fixed: f }))] }],
    versions: [],
  };
  if (notes.length > 0) affected.note = notes.join('; ');
  return affected;
}

function compareApk(a: string, b: string): number {
  return apkScheme.compare(a, b) ?? (a < b ? -1 : a > b ? 1 : 0);
}

function byEcosystemAndName(a: Entry, b: Entry): number {
  return a.ecosystem === b.ecosystem ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : compareEcosystems(a.ecosystem, b.ecosystem);
}

/** `Alpine:v3.9` before `Alpine:v3.10`, `edge` last. */
function compareEcosystems(a: string, b: string): number {
  const rank = (e: string): [number, number] => {
    const m = /v(\d+)\.(\d+)$/.exec(e);
    return m === null ? [Number.MAX_SAFE_INTEGER, 0] : [Number(m[1]), Number(m[2])];
  };
  const [am, an] = rank(a);
  const [bm, bn] = rank(b);
  return am - bm || an - bn || (a < b ? -1 : a > b ? 1 : 0);
}
