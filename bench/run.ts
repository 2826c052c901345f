/**
 * `npm run bench`: speed and memory of `grout sbom` on a real ~1 GB multi-layer Debian image, beside the floor
 * (decompressing every layer once with gzip -dc) and Trivy's rootfs SBOM of the same image. Prints a table and
 * writes bench/results.json. Never part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchImage, BENCH_TAG } from './bench-image.js';
import { bestOf, measure, type Measurement } from './measure.js';
import { trivyBinary } from './trivy.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env['GROUT_BENCH_RUNS'] ?? 3);

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function layerBlobs(layout: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  return manifest.layers.map((l: { digest: string }) => join(layout, 'blobs', 'sha256', l.digest.slice(7)));
}

async function main(): Promise<void> {
  log('building grout…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  log('building (or reusing) the benchmark image…');
  const image = await benchImage();
  const blobs = layerBlobs(image.ociLayout);
  const uncompressed = Number(execFileSync('sh', ['-c', `cat ${blobs.map((b) => `'${b}'`).join(' ')} | gzip -dc | wc -c`]).toString().trim());
  const compressed = blobs.reduce((n, b) => n + statSync(b).size, 0);
  log(`image: ${blobs.length} layers, ${(compressed / 1e6).toFixed(0)} MB gzip, ${(uncompressed / 1e6).toFixed(0)} MB uncompressed`);

  const grout = join(root, 'bin', 'grout.js');
  const rows: { name: string; m: Measurement }[] = [];
  const run = (name: string, command: string, args: string[], runs = RUNS): Measurement => {
    log(`measuring: ${name}`);
    const m = bestOf(runs, () => measure(command, args));
    rows.push({ name, m });
    return m;
  };

  const floor = run('floor: gzip -dc every layer once', 'sh', ['-c', `for f in ${blobs.map((b) => `'${b}'`).join(' ')}; do gzip -dc "$f"; done > /dev/null`]);
  const ociGzip = run('grout sbom oci: (gzip layers)', process.execPath, [grout, 'sbom', `oci:${image.ociLayout}:${BENCH_TAG}`, '-f', 'cyclonedx', '-o', '/dev/null', '-q']);
  const dockerPlain = run('grout sbom docker-archive: (uncompressed)', process.execPath, [grout, 'sbom', `docker-archive:${image.dockerArchive}`, '-f', 'cyclonedx', '-o', '/dev/null', '-q']);
  const rootfs = run('grout sbom rootfs: (unpacked image)', process.execPath, [grout, 'sbom', `rootfs:${image.rootfs}`, '-f', 'cyclonedx', '-o', '/dev/null', '-q']);

  let trivy: Measurement | undefined;
  const trivyBin = trivyBinary();
  if (trivyBin) {
    const cache = mkdtempSync(join(tmpdir(), 'grout-bench-trivy-'));
    try {
      trivy = run('trivy rootfs --format cyclonedx (unpacked image)', trivyBin, [
        'rootfs', '--format', 'cyclonedx', '--output', '/dev/null', '--cache-dir', cache, '--skip-db-update', '--skip-java-db-update',
        '--offline-scan', '--disable-telemetry', '--scanners', 'vuln', '--quiet', image.rootfs,
      ]);
    } catch (err) {
      log(`trivy could not run: ${(err as Error).message.slice(0, 500)}`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  } else {
    log('trivy is not available here: its row is skipped');
  }

  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = [
    `${'measurement'.padEnd(width)}  wall (s)  peak RSS (MB)`,
    ...rows.map((r) => `${r.name.padEnd(width)}  ${r.m.seconds.toFixed(2).padStart(8)}  ${String(r.m.peakRssMb).padStart(13)}`),
    '',
    `grout (gzip OCI) / floor           = ${(ociGzip.seconds / floor.seconds).toFixed(2)}×   (target ≤ 1.3×)`,
    trivy ? `grout (docker-archive) / trivy     = ${(dockerPlain.seconds / trivy.seconds).toFixed(2)}×   (target ≤ 1.0×)` : 'grout (docker-archive) / trivy     = n/a (trivy unavailable)',
    `grout peak RSS                     = ${Math.max(ociGzip.peakRssMb, dockerPlain.peakRssMb, rootfs.peakRssMb)} MB   (target ≤ 300 MB)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(
    join(root, 'bench', 'results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), layers: blobs.length, compressedBytes: compressed, uncompressedBytes: uncompressed, runs: RUNS, rows }, null, 2)}\n`,
  );
}

await main();
