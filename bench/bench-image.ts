import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild } from '../test/images/build-cache.js';
import { aptInstall, buildLayeredDebianImage } from '../test/images/layered-debian.js';
import { dockerArchiveLayerCompression } from './archive-layers.js';

/**
 * The benchmark image: a real Debian bookworm image in five layers (minbase + four apt layers; 635 MB gzip,
 * 1.93 GB uncompressed, about 7 minutes to build cold), built from Debian's packages like the test image, kept as an
 * OCI layout (gzip layers), an uncompressed docker-archive, and its unpacked rootfs (for Trivy's rootfs scan).
 */
const BENCH_VERSION = 'bench-bookworm-v1';
export const BENCH_TAG = 'bench';

const LAYERS: { createdBy: string; packages: string[] }[] = [
  { createdBy: 'RUN apt-get install build-essential', packages: ['build-essential', 'gdb', 'git'] },
  { createdBy: 'RUN apt-get install python3', packages: ['python3', 'python3-pip', 'python3-venv', 'python3-numpy', 'perl'] },
  { createdBy: 'RUN apt-get install golang-go rustc', packages: ['golang-go', 'rustc', 'cargo'] },
  { createdBy: 'RUN apt-get install clang llvm', packages: ['clang', 'llvm', 'nodejs', 'npm'] },
];

export interface BenchImage {
  ociLayout: string;
  /** Uncompressed layers (checked: see layersUncompressed). */
  dockerArchive: string;
  rootfs: string;
  /** The gzip layer blobs of the OCI layout, bottom first. */
  layerBlobs: string[];
}

export async function benchImage(): Promise<BenchImage> {
  const dir = await cachedBuild(BENCH_VERSION, async (out) => {
    const { layout } = buildLayeredDebianImage(
      out,
      BENCH_TAG,
      'mmdebstrap --variant=minbase bookworm',
      LAYERS.map((l) => ({ createdBy: l.createdBy, chroot: aptInstall(l.packages) })),
    );
    const archive = join(out, 'image-docker.tar');
    execFileSync('skopeo', ['copy', '--quiet', '--dest-compress=false', `oci:${layout}:${BENCH_TAG}`, `docker-archive:${archive}:grout/bench:1`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await checkUncompressed(archive, join(out, 'docker-archive-layers.json'));
  });
  const ociLayout = join(dir, 'layout');
  const dockerArchive = join(dir, 'image-docker.tar');
  // Images cached before the check existed are checked once on first use.
  const checked = join(dir, 'docker-archive-layers.json');
  if (!existsSync(checked)) await checkUncompressed(dockerArchive, checked);
  return { ociLayout, dockerArchive, rootfs: join(dir, 'bundle', 'rootfs'), layerBlobs: layerBlobs(ociLayout) };
}

async function checkUncompressed(archive: string, record: string): Promise<void> {
  const layers = await dockerArchiveLayerCompression(archive);
  const compressed = [...layers].filter(([, c]) => c !== 'none');
  if (layers.size === 0 || compressed.length > 0) {
    throw new Error(`${archive}: the benchmark needs uncompressed layers, found ${compressed.map(([n, c]) => `${n}: ${c}`).join(', ') || 'no layers'}`);
  }
  writeFileSync(record, `${JSON.stringify(Object.fromEntries(layers), null, 2)}\n`);
}

function layerBlobs(layout: string): string[] {
  const blob = (digest: string): string => join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => blob(l.digest));
}
