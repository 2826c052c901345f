/**
 * The vulnerability side of `npm run bench` (issue 3, part 8): import all of ../shared/vulndata into a new database
 * (time, peak RSS, size); match 2,000 packages against it once the database is open (target ≤ 200 ms); and
 * `grout scan sbom:<file>` end to end for those 2,000 packages (target ≤ 1 s). Run alone with `npm run bench:vuln`.
 *
 * The 2,000 packages are real names at real versions: the first packages named by the OSV, GHSA, RustSec and Go
 * advisories in vulndata (each at a version its record lists, so most of them do hit), plus Debian 11 source
 * packages from the DSA list at an old version — a worst case beside an image, where most packages hit nothing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import type { Ecosystem, Inventory, Package } from '../src/core/model.js';
import { purlFor } from '../src/core/purl.js';
import { matchInventory } from '../src/match/index.js';
import { encodeInventory } from '../src/scan/index.js';
import { importDatabase, openAdvisoryStore } from '../src/vulndb/index.js';
import { vulndata } from '../test/shared-data.js';
import { bestOf, measure, type Measurement } from './measure.js';

export const VULN_TARGETS = { match2000Ms: 200, sbomScanSeconds: 1 };

export interface MatchFigures {
  packages: number;
  findings: number;
  coldMs: number;
  warmMs: number;
  sbomScan: Measurement;
}

export interface VulnBenchResult {
  importSeconds: Measurement;
  databaseMb: number;
  worst: MatchFigures;
  patched: MatchFigures;
}

const OSV_ECOSYSTEMS: Record<string, Ecosystem> = { npm: 'npm', PyPI: 'pypi', Go: 'golang', 'crates.io': 'cargo', Maven: 'maven', RubyGems: 'gem', NuGet: 'nuget', Packagist: 'composer' };

export function benchInventory(size: number, mode: 'worst' | 'patched' = 'worst'): Inventory {
  const packages: Package[] = [];
  const seen = new Set<string>();
  const add = (ecosystem: Ecosystem, name: string, version: string, source?: { name: string; version: string }): void => {
    const id = `${ecosystem}:${name}@${version}`;
    if (seen.has(id) || packages.length >= size) return;
    seen.add(id);
    const extracted = { ecosystem, name, version, licenses: [], evidence: 'bench', ...(source ? { source } : {}) };
    packages.push({ id, ecosystem, name, version, purl: purlFor(extracted, distro), licenses: [], foundBy: 'bench@1', locations: [{ path: `bench/${name}`, layer: 0 }], files: [], ...(source ? { source } : {}) });
  };
  const distro = { id: 'debian', versionId: '11', codename: 'bullseye', source: 'etc/os-release' };
  // Debian source packages from the DSA list (every bullseye one, then older releases' names): in the worst case
  // 500 of them at a version older than any fix; patched, 1,800 at a version newer than every fix — looked up and
  // evaluated like the rest, hitting nothing, as in an image kept up to date.
  const dsa = readFileSync(vulndata('debian', 'security-tracker', 'DSA.list'), 'utf8');
  const debCount = mode === 'worst' ? 500 : size - 200;
  const debVersion = mode === 'worst' ? '0.1-1' : '999:1-1';
  for (const m of dsa.matchAll(/\[\w+\] - (\S+) /g)) {
    if (packages.length >= debCount) break;
    add('deb', `${m[1]!}-bin`, debVersion, { name: m[1]!, version: debVersion });
  }
  for (const file of ['ghsa-subset.jsonl.gz', 'pypa.jsonl.gz', 'rustsec.jsonl.gz', 'go-vulndb.jsonl.gz']) {
    for (const line of gunzipSync(readFileSync(vulndata('osv', file))).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as { affected?: { package?: { ecosystem?: string; name?: string }; versions?: string[]; ranges?: { events: Record<string, string>[] }[] }[] };
      for (const a of record.affected ?? []) {
        const ecosystem = OSV_ECOSYSTEMS[a.package?.ecosystem ?? ''];
        const name = a.package?.name;
        const version = a.versions?.[0] ?? a.ranges?.[0]?.events.find((e) => e['introduced'] && e['introduced'] !== '0')?.['introduced'] ?? '1.0.0';
        if (ecosystem && name) add(ecosystem, name, ecosystem === 'golang' && !version.startsWith('v') ? `v${version}` : version);
      }
    }
  }
  return {
    image: { reference: 'bench:2000-packages', transport: 'rootfs', tags: [], layers: [{ index: 0, diffId: 'sha256:0' }], labels: {} },
    distro,
    packages,
    files: [],
    relationships: [],
    issues: [],
    extractors: [],
  };
}

export function runVulnBench(grout: string | undefined, runs: number, log: (m: string) => void): VulnBenchResult | { reason: string } {
  if (!grout) return { reason: 'grout is not built (dist/cli/main.js missing)' };
  const work = mkdtempSync(join(tmpdir(), 'grout-vuln-bench-'));
  try {
    log('measuring: grout db import ../shared/vulndata');
    let db = '';
    const importSeconds = bestOf(runs, () => {
      db = join(mkdtempSync(join(work, 'db-')), 'grout.db');
      return measure(process.execPath, [grout, 'db', 'import', vulndata(), '--db', db]);
    });
    const databaseMb = Math.round(statSync(db).size / 1e5) / 10;

    const figures = (mode: 'worst' | 'patched'): MatchFigures => {
      const inv = benchInventory(2000, mode);
      log(`measuring: matching ${inv.packages.length} packages (${mode})`);
      let cold = Infinity;
      let warm = Infinity;
      let findings = 0;
      for (let i = 0; i < runs; i++) {
        const store = openAdvisoryStore(db);
        try {
          let start = performance.now();
          findings = matchInventory(inv, store, { now: new Date() }).length;
          cold = Math.min(cold, performance.now() - start);
          start = performance.now();
          matchInventory(inv, store, { now: new Date() });
          warm = Math.min(warm, performance.now() - start);
        } finally {
          store.close();
        }
      }
      log(`measuring: grout scan sbom:<${inv.packages.length} packages> (${mode})`);
      const sbom = join(work, `bench-${mode}.cdx.json`);
      writeFileSync(sbom, encodeInventory(inv, 'cyclonedx'));
      const sbomScan = bestOf(runs, () => measure(process.execPath, [grout, 'scan', `sbom:${sbom}`, '--db', db, '-f', 'json', '-o', join(work, 'scan.json'), '-q']));
      return { packages: inv.packages.length, findings, coldMs: Math.round(cold), warmMs: Math.round(warm), sbomScan };
    };
    return { importSeconds, databaseMb, worst: figures('worst'), patched: figures('patched') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function vulnBenchLines(r: VulnBenchResult | { reason: string }): string[] {
  if ('reason' in r) return ['', `vulnerability database: not available: ${r.reason}`];
  const line = (label: string, f: MatchFigures): string[] => [
    `match ${f.packages} packages, ${label.padEnd(26)} = ${f.coldMs} ms fresh store, ${f.warmMs} ms warm; ${f.findings} findings (target ≤ ${VULN_TARGETS.match2000Ms} ms)`,
    `grout scan sbom: of the same                 = ${f.sbomScan.seconds.toFixed(2)} s end to end, peak RSS ${f.sbomScan.peakRssMb} MB (target ≤ ${VULN_TARGETS.sbomScanSeconds} s)`,
  ];
  return [
    '',
    `grout db import ../shared/vulndata           = ${r.importSeconds.seconds.toFixed(2)} s, peak RSS ${r.importSeconds.peakRssMb} MB, database ${r.databaseMb} MB`,
    ...line('all with open advisories', r.worst),
    ...line('90% patched, 10% open', r.patched),
  ];
}
