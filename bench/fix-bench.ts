/**
 * `npm run bench:fix` (issue 6, part 7): on the real bookworm main-only image (test/images/debian-main-only-image.ts),
 * the time and peak RSS of `grout fix` to an OCI layout — scan, verified indexes, download, patch layer, image,
 * rescan — beside the floor of just fetching the same packages with apt: `apt-get update` (the same three suites'
 * signed indexes) then `apt-get download` of exactly the planned .debs, under a throwaway apt configuration.
 * Median of GROUT_BENCH_RUNS runs (default 3); a table on stdout, figures in bench/results-fix.json.
 *
 * grout is built first (`npm run build`, as bench/run.ts does) and run from dist/ the way users run it. Every grout
 * run has its own cache dir (GROUT_CACHE_DIR) whose verified-index cache is emptied first, so it downloads the
 * indexes as apt-get update does; one more row shows a second fix of the same release with that cache warm.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixImage } from '../src/fix/fix-image.js';
import { importDatabase } from '../src/vulndb/index.js';
import { debianMainOnlyImage, MAIN_ONLY_TAG, officialSources } from '../test/images/debian-main-only-image.js';
import { vulndata } from '../test/shared-data.js';
import { measure, type Measurement } from './measure.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env['GROUT_BENCH_RUNS'] ?? 3);
const log = (m: string): void => void process.stderr.write(`${m}\n`);

interface Row {
  name: string;
  runs: Measurement[];
  median: Measurement;
}

function median(ms: Measurement[]): Measurement {
  const by = <K extends keyof Measurement>(k: K): number => {
    const sorted = ms.map((m) => m[k]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  return { seconds: by('seconds'), peakRssMb: by('peakRssMb') };
}

function row(name: string, once: () => Measurement): Row {
  const all: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const m = once();
    log(`${name}: run ${i + 1}/${runs}: ${m.seconds.toFixed(2)} s, ${m.peakRssMb} MB`);
    all.push(m);
  }
  return { name, runs: all, median: median(all) };
}

log('building grout…');
try {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
} catch {
  log('npm run build failed: measuring the dist/ already there');
}
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('no dist/cli/main.js: run npm run build');
const groutBin = join(root, 'bin', 'grout.js');

const image = await debianMainOnlyImage();
const work = mkdtempSync(join(tmpdir(), 'grout-fix-bench-'));
try {
  const db = join(work, 'grout.db');
  const cacheDir = join(work, 'cache');
  process.env['GROUT_CACHE_DIR'] = cacheDir; // the in-process plan below warms the layer caches every run shares
  const groutEnv = { ...process.env, GROUT_CACHE_DIR: cacheDir };
  /** grout from dist/, with the bench's cache dir; `coldIndexes` empties the verified-index cache first. */
  const grout = (args: string[], coldIndexes = true): Measurement => {
    if (coldIndexes) rmSync(join(cacheDir, 'apt-indexes'), { recursive: true, force: true });
    return measure(process.execPath, [groutBin, ...args], groutEnv);
  };
  await importDatabase(db, [vulndata()]);
  const source = `oci:${image.ociLayout}:${MAIN_ONLY_TAG}`;
  log('planning once to learn which packages a fix downloads…');
  const plan = await fixImage(source, { dbPath: db, dryRun: true, dryRunChangelogs: false });
  const debs = [...plan.resolved.upgrades, ...plan.resolved.newPackages];
  const bytes = debs.reduce((n, p) => n + p.size, 0);

  // The apt floor: a throwaway configuration with the image's own three suites, indexes and archives in temp dirs.
  const apt = join(work, 'apt');
  for (const d of ['etc/sources.list.d', 'etc/preferences.d', 'etc/apt.conf.d', 'state/lists/partial', 'cache/archives/partial', 'download']) mkdirSync(join(apt, d), { recursive: true });
  writeFileSync(join(apt, 'etc/sources.list.d/debian.sources'), officialSources(image.archive));
  writeFileSync(join(apt, 'etc/sources.list'), '');
  writeFileSync(join(apt, 'state/status'), '');
  const aptOptions = [
    `Dir::Etc=${join(apt, 'etc')}`,
    `Dir::State=${join(apt, 'state')}`,
    `Dir::State::status=${join(apt, 'state/status')}`,
    `Dir::Cache=${join(apt, 'cache')}`,
    'APT::Architecture=amd64',
    'APT::Sandbox::User=root',
    'Acquire::Languages=none',
  ].flatMap((o) => ['-o', o]);
  const script = [
    `rm -rf ${join(apt, 'state/lists')}/* ${join(apt, 'download')}/*`,
    `mkdir -p ${join(apt, 'state/lists/partial')}`,
    `apt-get ${aptOptions.join(' ')} -qq update`,
    `cd ${join(apt, 'download')}`,
    `apt-get ${aptOptions.join(' ')} -qq download ${debs.map((p) => `${p.name}:${p.arch === 'all' ? 'amd64' : p.arch}=${p.to}`).join(' ')}`,
  ].join(' && ');

  const rows: Row[] = [];
  const fixTo = (coldIndexes: boolean): Measurement => {
    const out = join(work, 'patched');
    rmSync(out, { recursive: true, force: true });
    return grout(['fix', source, '--out', `oci:${out}:patched`, '--db', db, '-q'], coldIndexes);
  };
  rows.push(row('grout --version (node start-up, dist/)', () => grout(['--version'])));
  rows.push(row(`grout fix → oci: (${debs.length} packages)`, () => fixTo(true)));
  rows.push(row('grout fix → oci:, index cache warm', () => fixTo(false)));
  rows.push(row('grout fix --dry-run (reads one changelog per source)', () => grout(['fix', source, '--dry-run', '--db', db, '-q'])));
  rows.push(row('apt-get update + apt-get download (same .debs)', () => measure('sh', ['-ec', script])));

  const table = [
    `grout fix on a bookworm main-only minbase image: ${debs.length} packages from bookworm-security (${(bytes / 1e6).toFixed(1)} MB of .debs), median of ${runs}`,
    '',
    `| ${'what'.padEnd(54)} | wall s | peak RSS MB |`,
    `|${'-'.repeat(56)}|-------:|------------:|`,
    ...rows.map((r) => `| ${r.name.padEnd(54)} | ${r.median.seconds.toFixed(2).padStart(6)} | ${String(r.median.peakRssMb).padStart(11)} |`),
  ];
  process.stdout.write(`${table.join('\n')}\n`);
  const results = {
    date: new Date().toISOString(),
    runs,
    image: 'bookworm minbase, main suite only (test/images/debian-main-only-image.ts)',
    packages: debs.map((p) => `${p.name}:${p.arch} ${p.from ?? '(new)'} -> ${p.to}`),
    debBytes: bytes,
    rows: rows.map((r) => ({ name: r.name, median: r.median, runs: r.runs })),
  };
  writeFileSync(join(root, 'bench', 'results-fix.json'), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
