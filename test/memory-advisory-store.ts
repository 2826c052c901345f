/**
 * An in-memory AdvisoryStore for matching tests, fed with the real advisories of `../shared/vulndata`: the same
 * interface the SQLite store implements, indexed the same way (exact ecosystem, name through
 * `normalizePackageName`). OSV records go through the real feed converter (`osvRecordToAdvisory`); the Alpine
 * secfix, KEV and EPSS readers here are minimal, shaped like the feed parsers' output.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Advisory, AffectedPackage, EolCycle, EpssScore, KevEntry } from '../src/vulndb/advisory.js';
import { osvRecordToAdvisory } from '../src/vulndb/feeds/osv/osv-record.js';
import { normalizePackageName } from '../src/vulndb/package-name.js';
import type { AdvisoryStore, AffectedRow, StoreMetadata } from '../src/vulndb/store.js';

export interface MemoryStoreContent {
  advisories?: readonly Advisory[];
  kev?: readonly KevEntry[];
  epss?: readonly EpssScore[];
  eol?: readonly EolCycle[];
}

export class MemoryAdvisoryStore implements AdvisoryStore {
  readonly #rows = new Map<string, AffectedRow[]>();
  readonly #advisories = new Map<string, Advisory>();
  readonly #kev = new Map<string, KevEntry>();
  readonly #epss = new Map<string, EpssScore>();
  readonly #eol: EolCycle[] = [];

  constructor(content: MemoryStoreContent = {}) {
    this.add(content);
  }

  add(content: MemoryStoreContent): this {
    for (const advisory of content.advisories ?? []) {
      this.#advisories.set(advisory.id, advisory);
      for (const affected of advisory.affected) {
        const key = `${affected.ecosystem}\u0000${normalizePackageName(affected.ecosystem, affected.name)}`;
        const list = this.#rows.get(key) ?? [];
        list.push({ advisory, affected });
        this.#rows.set(key, list);
      }
    }
    for (const k of content.kev ?? []) this.#kev.set(k.cve, k);
    for (const e of content.epss ?? []) this.#epss.set(e.cve, e);
    this.#eol.push(...(content.eol ?? []));
    return this;
  }

  affecting(ecosystem: string, name: string): AffectedRow[] {
    return [...(this.#rows.get(`${ecosystem}\u0000${name}`) ?? [])];
  }

  ecosystems(): string[] {
    return [...new Set([...this.#rows.keys()].map((k) => k.split('\u0000')[0]!))].sort();
  }

  advisory(id: string): Advisory | undefined {
    return this.#advisories.get(id);
  }

  kev(cve: string): KevEntry | undefined {
    return this.#kev.get(cve);
  }

  epss(cve: string): EpssScore | undefined {
    return this.#epss.get(cve);
  }

  eol(product: string): EolCycle[] {
    return this.#eol.filter((c) => c.product === product);
  }

  metadata(): StoreMetadata {
    return { schemaVersion: 0, builtAt: '1970-01-01T00:00:00.000Z', feeds: [] };
  }

  close(): void {}
}

/** The raw OSV records of a `.jsonl.gz` file. */
export function readOsvRecords(file: string): Record<string, unknown>[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** OSV records (a `.jsonl.gz` file, or `.json` files) converted by the real feed converter; skipped ones left out. */
export function osvAdvisories(files: readonly string[], feed: string): Advisory[] {
  const out: Advisory[] = [];
  for (const file of files) {
    const records = file.endsWith('.jsonl.gz') ? readOsvRecords(file) : [JSON.parse(readFileSync(file, 'utf8')) as unknown];
    for (const record of records) {
      const advisory = osvRecordToAdvisory(record, feed, file);
      if (!('skipped' in advisory)) out.push(advisory);
    }
  }
  return out;
}

/**
 * An Alpine secdb package entry (`{name, secfixes: {version: [ids]}}`) as the secfix collector shapes it: one
 * advisory per id; `introduced 0, fixed <key>`, or `not-affected` for ids listed only under `"0"`.
 */
export function alpineSecfixAdvisories(file: string, ecosystem: string, feed = 'alpine-secdb'): Advisory[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { name: string; secfixes: Record<string, string[]> };
  const byId = new Map<string, string[]>();
  for (const [key, ids] of Object.entries(doc.secfixes)) {
    for (const raw of ids) {
      const id = raw.split(/\s+/)[0]!;
      byId.set(id, [...(byId.get(id) ?? []), key]);
    }
  }
  return [...byId.entries()].map(([id, keys]) => {
    const fixed = keys.filter((k) => k !== '0');
    const affected: AffectedPackage =
      fixed.length === 0
        ? { ecosystem, name: doc.name, status: 'not-affected', ranges: [], versions: [] }
        : { ecosystem, name: doc.name, status: 'affected', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: fixed[0]! }] }], versions: [] };
    return distroAdvisory(id, [], feed, [affected]);
  });
}

/**
 * A DSA as the DSA-list parser shapes it: id DSA-…, the `{CVE…}` list as aliases, one affected entry per
 * `[codename] - <source> <fixed>` line (`Debian:<n>`, `introduced 0, fixed <version>`).
 */
export function dsaAdvisory(id: string, cves: readonly string[], entries: readonly { release: string; source: string; fixed: string }[]): Advisory {
  return distroAdvisory(
    id,
    cves,
    'debian-dsa',
    entries.map((e) => ({ ecosystem: `Debian:${e.release}`, name: e.source, status: 'affected', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: e.fixed }] }], versions: [] })),
  );
}

export function distroAdvisory(id: string, aliases: readonly string[], feed: string, affected: AffectedPackage[]): Advisory {
  return { id, aliases: [...aliases].sort(), related: [], feed, kind: 'vulnerability', severity: [], references: [], cwes: [], affected };
}

/** CISA KEV JSON → entries. */
export function readKev(file: string): KevEntry[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { vulnerabilities: Record<string, unknown>[] };
  return doc.vulnerabilities.map((v) => ({
    cve: String(v['cveID']),
    vendorProject: String(v['vendorProject']),
    product: String(v['product']),
    name: String(v['vulnerabilityName']),
    dateAdded: String(v['dateAdded']),
    dueDate: String(v['dueDate']),
    requiredAction: String(v['requiredAction']),
    knownRansomwareCampaignUse: v['knownRansomwareCampaignUse'] === 'Known',
  }));
}

/** An EPSS CSV (`#model_version…,score_date:…` then `cve,epss,percentile`) → scores. */
export function readEpss(file: string): EpssScore[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const date = /score_date:(\d{4}-\d{2}-\d{2})/.exec(lines[0] ?? '')?.[1];
  return lines
    .filter((l) => l.startsWith('CVE-'))
    .map((l) => {
      const [cve, score, percentile] = l.trim().split(',');
      return { cve: cve!, score: Number(score), percentile: Number(percentile), ...(date ? { date } : {}) };
    });
}
