import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cachedBuild } from '../test/images/build-cache.js';
import { aptInstall, buildLayeredDebianImage } from '../test/images/layered-debian.js';

/**
 * The benchmark image: a real ~1 GB (uncompressed) Debian bookworm image in five layers, built from Debian's
 * packages like the test image, kept as an OCI layout (gzip layers), an uncompressed docker-archive, and its
 * unpacked rootfs (for Trivy's rootfs scan).
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
  dockerArchive: string;
  rootfs: string;
}

export async function benchImage(): Promise<BenchImage> {
  const dir = await cachedBuild(BENCH_VERSION, (out) => {
    const { layout, bundle } = buildLayeredDebianImage(
      out,
      BENCH_TAG,
      'mmdebstrap --variant=minbase bookworm',
      LAYERS.map((l) => ({ createdBy: l.createdBy, chroot: aptInstall(l.packages) })),
    );
    execFileSync('skopeo', ['copy', '--quiet', '--dest-compress=false', `oci:${layout}:${BENCH_TAG}`, `docker-archive:${join(out, 'image-docker.tar')}:grout/bench:1`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    void bundle;
  });
  return { ociLayout: join(dir, 'layout'), dockerArchive: join(dir, 'image-docker.tar'), rootfs: join(dir, 'bundle', 'rootfs') };
}
