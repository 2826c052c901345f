import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobCache } from '../../src/cache/blob-cache.js';
import type { GroutError } from '../../src/core/errors.js';
import type { ProgressEvent } from '../../src/core/events.js';
import { imageSource, type OpenedImage, type RegistrySourceOptions } from '../../src/image/index.js';
import { parsePlatform } from '../../src/image/platform.js';
import { main } from '../../src/cli/main.js';
import { tempDir, writeOciLayout, type WrittenImage } from '../fixtures/image-builder.js';
import { TAG as DEBIAN_TAG, debianTestImage } from '../images/debian-image.js';
import { PASSWORD, REFRESH_TOKEN, USER, registryAvailable, startProxy, startRegistry, type TestRegistry } from './registry-harness.js';

/**
 * grout's registry client against a real registry (Debian's docker-registry) in its three modes, and through a
 * proxy that answers 429 or cuts connections. Images are pushed with skopeo from OCI layouts built here.
 */
const available = registryAvailable();
const work = tempDir('grout-registry-test-');

/** Incompressible bytes, so a gzip layer is big enough to cut mid-way. */
function noise(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < length; i++) chunks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

function smallImage(marker: string) {
  return {
    layers: [
      { entries: [{ path: 'etc/', type: 'dir' as const }, { path: 'etc/os-release', content: `ID=grouttest\nVERSION_ID=${marker}\n` }] },
      { entries: [{ path: 'usr/bin/hello', content: `#!/bin/sh\necho ${marker}\n`, mode: 0o755 }, { path: 'opt/data.bin', content: noise(marker, 300_000) }] },
    ],
    labels: { marker },
  };
}

let single: WrittenImage;
let singleLayout: string;

beforeAll(async () => {
  if (!available) return;
  singleLayout = join(work, 'single');
  [single] = (await writeOciLayout(singleLayout, [{ ...smallImage('one'), tag: 'v1' }])) as [WrittenImage];
});

function cacheOptions(extra: RegistrySourceOptions = {}): RegistrySourceOptions & { cache: BlobCache } {
  return { cache: new BlobCache(tempDir('grout-blob-cache-')), ...extra };
}

async function open(reference: string, options: RegistrySourceOptions, platform?: string): Promise<OpenedImage> {
  return imageSource(reference, { registry: options }).open(platform ? { platform: parsePlatform(platform) } : {});
}

/** Every entry path of every layer, bottom first. */
async function readAll(image: OpenedImage): Promise<string[][]> {
  const out: string[][] = [];
  for (const layer of image.layers) {
    const paths: string[] = [];
    for await (const entry of layer.entries()) {
      if (entry.kind === 'node' && entry.type === 'file') await entry.read();
      paths.push(`${entry.kind}:${entry.path}`);
    }
    out.push(paths);
  }
  return out;
}

async function failure(promise: Promise<unknown>): Promise<GroutError> {
  try {
    await promise;
  } catch (err) {
    return err as GroutError;
  }
  throw new Error('expected a failure');
}

describe.skipIf(!available)('a plain http registry on 127.0.0.1', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('plain');
    await registry.push(`oci:${singleLayout}:v1`, 'small:v1');
  });
  afterAll(async () => registry?.stop());

  it('reads an OCI image: manifest, config, layers in order, lazily downloaded into the blob cache', async () => {
    const events: ProgressEvent[] = [];
    const options = cacheOptions({ onProgress: (e) => events.push(e) });
    const image = await open(`${registry.host}/small:v1`, options);
    expect(image.description).toMatchObject({
      reference: `${registry.host}/small:v1`,
      transport: 'registry',
      tags: [`${registry.host}/small:v1`],
      manifestDigest: single.manifestDigest,
      architecture: 'amd64',
      labels: { marker: 'one' },
    });
    expect(image.description.layers.map((l) => l.diffId)).toEqual(single.layers.map((l) => l.diffId));
    expect(image.description.layers.map((l) => l.mediaType)).toEqual(single.layers.map(() => 'application/vnd.oci.image.layer.v1.tar+gzip'));
    // Only the config was fetched so far: layers wait until someone reads them.
    const cached = (): string[] => readdirSync(options.cache.dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
    expect(cached()).toHaveLength(1);
    const layers = await readAll(image);
    expect(layers[0]).toEqual(['node:etc', 'node:etc/os-release']);
    expect(layers[1]).toEqual(['node:usr/bin/hello', 'node:opt/data.bin']);
    const big = single.layers[1]!;
    expect(events.filter((e) => e.type === 'blob-download' && e.digest === big.digest).at(-1)).toEqual({ type: 'blob-download', digest: big.digest, bytes: big.blob.length, total: big.blob.length, index: 1 });
    expect(cached().sort()).toEqual([single.layers[0]!.digest, single.layers[1]!.digest, `sha256:${JSON.parse(single.manifest.toString()).config.digest.slice(7)}`].map((d) => d.slice(7)).sort());
    await image.close();
  });

  it('reads the same image pushed as Docker v2 schema 2 (skopeo --format v2s2)', async () => {
    await registry.push(`oci:${singleLayout}:v1`, 'small-docker:v1', ['--format', 'v2s2']);
    const image = await open(`docker://${registry.host}/small-docker:v1`, cacheOptions());
    expect(image.description.layers.map((l) => l.mediaType)).toEqual(['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.docker.image.rootfs.diff.tar.gzip']);
    expect(image.description.layers.map((l) => l.diffId)).toEqual(single.layers.map((l) => l.diffId));
    expect(image.description.manifestDigest).not.toBe(single.manifestDigest);
    expect((await readAll(image))[1]).toEqual(['node:usr/bin/hello', 'node:opt/data.bin']);
    await image.close();
  });

  it('pulls by digest, and by tag and digest; a digest that is not there is not found', async () => {
    const byDigest = await open(`${registry.host}/small@${single.manifestDigest}`, cacheOptions());
    expect(byDigest.description.manifestDigest).toBe(single.manifestDigest);
    expect(byDigest.description.tags).toEqual([]);
    await byDigest.close();
    const both = await open(`registry:${registry.host}/small:v1@${single.manifestDigest}`, cacheOptions());
    expect(both.description.manifestDigest).toBe(single.manifestDigest);
    await both.close();
    const err = await failure(open(`${registry.host}/small@sha256:${'0'.repeat(64)}`, cacheOptions()));
    expect(err.code).toBe('E_IMAGE_NOT_FOUND');
  });

  it('picks the platform from a multi-platform index (skopeo --all)', async () => {
    const layout = join(work, 'multi');
    const written = await writeOciLayout(
      layout,
      [
        { ...smallImage('amd'), architecture: 'amd64', tag: 'multi' },
        { ...smallImage('arm'), architecture: 'arm64', tag: 'multi' },
      ],
      true,
    );
    await registry.push(`oci:${layout}:multi`, 'multi:1', ['--all']);
    const arm = await open(`${registry.host}/multi:1`, cacheOptions(), 'linux/arm64');
    expect(arm.description).toMatchObject({ architecture: 'arm64', labels: { marker: 'arm' }, manifestDigest: written[1]!.manifestDigest });
    await readAll(arm);
    await arm.close();
    const amd = await open(`${registry.host}/multi:1`, cacheOptions(), 'linux/amd64');
    expect(amd.description).toMatchObject({ architecture: 'amd64', labels: { marker: 'amd' }, manifestDigest: written[0]!.manifestDigest });
    await amd.close();
    const err = await failure(open(`${registry.host}/multi:1`, cacheOptions(), 'linux/s390x'));
    expect(err.code).toBe('E_PLATFORM');
    expect(err.hint).toMatch(/linux\/amd64, linux\/arm64/);
  });

  it('names a missing tag and a missing repository', async () => {
    const tag = await failure(open(`${registry.host}/small:nope`, cacheOptions()));
    expect(tag).toMatchObject({ code: 'E_IMAGE_NOT_FOUND' });
    expect(tag.message).toContain(`${registry.host}/small:nope`);
    expect(tag.message).toMatch(/no such tag/);
    const repo = await failure(open(`${registry.host}/no/such/repo:v1`, cacheOptions()));
    expect(repo).toMatchObject({ code: 'E_IMAGE_NOT_FOUND' });
    expect(repo.message).toMatch(/repository does not exist|no such tag/);
  });

  it('refuses a blob whose bytes do not match its digest, and keeps nothing of it', async () => {
    const layout = join(work, 'corrupt');
    const [written] = (await writeOciLayout(layout, [{ ...smallImage('corrupt'), tag: 'v1' }])) as [WrittenImage];
    await registry.push(`oci:${layout}:v1`, 'corrupt:v1');
    const victim = written.layers[1]!;
    const data = registry.blobDataPath(victim.digest);
    const bytes = readFileSync(data);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(data, bytes);
    const options = cacheOptions();
    const image = await open(`${registry.host}/corrupt:v1`, options);
    const err = await failure(readAll(image));
    expect(err.code).toBe('E_DIGEST_MISMATCH');
    expect(err.message).toContain(victim.digest);
    expect(readdirSync(options.cache.dir).filter((n) => n.startsWith(victim.digest.slice(7)))).toEqual([]);
    await image.close();
  });

  it('waits out 429 Too Many Requests as Retry-After says, then succeeds', async () => {
    const proxy = await startProxy(registry.host, { tooManyRequests: { path: /\/manifests\//, times: 2 } });
    try {
      const started = Date.now();
      const image = await open(`${proxy.host}/small:v1`, cacheOptions());
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(image.description.manifestDigest).toBe(single.manifestDigest);
      const manifestAnswers = proxy.log.filter((e) => e.path.includes('/manifests/')).map((e) => e.status);
      expect(manifestAnswers).toEqual([429, 429, 200]);
      await image.close();
    } finally {
      await proxy.stop();
    }
  });

  it('retries 503 with back-off', async () => {
    const proxy = await startProxy(registry.host, { unavailable: { path: /\/blobs\//, times: 2 } });
    try {
      const image = await open(`${proxy.host}/small:v1`, cacheOptions({ retry: { baseDelayMs: 50 } }));
      await readAll(image);
      expect(proxy.log.filter((e) => e.status === 503)).toHaveLength(2);
      await image.close();
    } finally {
      await proxy.stop();
    }
  });

  it('resumes a blob download with a Range request after the connection is cut mid-blob', async () => {
    const big = single.layers[1]!;
    const proxy = await startProxy(registry.host, { cut: { path: new RegExp(`/blobs/${big.digest}`), times: 1, afterBytes: 1000 } });
    try {
      const options = cacheOptions();
      const image = await open(`${proxy.host}/small:v1`, options);
      const layers = await readAll(image);
      expect(layers[1]).toEqual(['node:usr/bin/hello', 'node:opt/data.bin']);
      const blobRequests = proxy.log.filter((e) => e.path.endsWith(big.digest));
      expect(blobRequests.map((e) => e.range)).toEqual([undefined, 'bytes=1000-']);
      expect(readFileSync(options.cache.pathOf(big.digest)).equals(big.blob)).toBe(true);
      await image.close();
    } finally {
      await proxy.stop();
    }
  });

  it('reads a layer while it downloads: entries arrive before the rest of the blob does', async () => {
    // Larger than the 1 MB the download writes at a time, so that half of it reaches the disk.
    const layout = join(work, 'follow');
    const [written] = (await writeOciLayout(layout, [
      { layers: [{ entries: [{ path: 'usr/bin/hello', content: '#!/bin/sh\necho follow\n', mode: 0o755 }, { path: 'opt/data.bin', content: noise('follow', 4_000_000) }] }], tag: 'v1' },
    ])) as [WrittenImage];
    await registry.push(`oci:${layout}:v1`, 'follow:v1');
    const big = written.layers[0]!;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const timeout = setTimeout(release, 10_000);
    const proxy = await startProxy(registry.host, { hold: { path: new RegExp(`/blobs/${big.digest}`), afterBytes: Math.floor(big.blob.length / 2), until: released } });
    try {
      const options = cacheOptions();
      const image = await open(`${proxy.host}/follow:v1`, options);
      let heldAtFirstEntry: boolean | undefined;
      let stillHeld = true;
      void released.then(() => (stillHeld = false));
      const paths: string[] = [];
      for await (const entry of image.layers[0]!.entries()) {
        if (heldAtFirstEntry === undefined) {
          heldAtFirstEntry = stillHeld;
          release();
        }
        if (entry.kind === 'node' && entry.type === 'file') await entry.read();
        paths.push(entry.path);
      }
      expect(heldAtFirstEntry).toBe(true);
      expect(paths).toEqual(['usr/bin/hello', 'opt/data.bin']);
      expect(readFileSync(options.cache.pathOf(big.digest)).equals(big.blob)).toBe(true);
      await image.close();
    } finally {
      clearTimeout(timeout);
      await proxy.stop();
    }
  });

  it('grout sbom <registry ref> equals grout sbom oci:… of the same Debian image', async () => {
    const debian = await debianTestImage();
    await registry.push(`oci:${debian.ociLayout}:${DEBIAN_TAG}`, `debian:${DEBIAN_TAG}`);
    const saved = process.env['GROUT_CACHE_DIR'];
    process.env['GROUT_CACHE_DIR'] = tempDir('grout-cache-root-');
    try {
      const fromRegistry = join(work, 'registry.json');
      const fromLayout = join(work, 'layout.json');
      expect(await main(['sbom', '-q', '-f', 'json', '-o', fromRegistry, `${registry.host}/debian:${DEBIAN_TAG}`])).toBe(0);
      expect(await main(['sbom', '-q', '-f', 'json', '-o', fromLayout, `oci:${debian.ociLayout}:${DEBIAN_TAG}`])).toBe(0);
      const a = JSON.parse(readFileSync(fromRegistry, 'utf8')) as Record<string, unknown>;
      const b = JSON.parse(readFileSync(fromLayout, 'utf8')) as Record<string, unknown>;
      const image = (x: Record<string, unknown>) => x['image'] as Record<string, unknown>;
      expect(image(a)['transport']).toBe('registry');
      expect((image(a)['layers'] as { diffId: string }[]).map((l) => l.diffId)).toEqual((image(b)['layers'] as { diffId: string }[]).map((l) => l.diffId));
      expect(image(a)['manifestDigest']).toBe(image(b)['manifestDigest']);
      const withoutImage = (x: Record<string, unknown>) => JSON.stringify({ ...x, image: undefined });
      expect(withoutImage(a)).toBe(withoutImage(b));
      expect((a['packages'] as unknown[]).length).toBeGreaterThan(80);
    } finally {
      if (saved === undefined) delete process.env['GROUT_CACHE_DIR'];
      else process.env['GROUT_CACHE_DIR'] = saved;
    }
  });
});

describe.skipIf(!available)('htpasswd basic auth behind a self-signed certificate', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('basic-tls');
    await registry.push(`oci:${singleLayout}:v1`, 'private/small:v1');
  });
  afterAll(async () => registry?.stop());

  const reference = (): string => `${registry.host}/private/small:v1`;
  const noDockerConfig = (): { dockerConfig: string; env: NodeJS.ProcessEnv } => ({ dockerConfig: join(work, 'none.json'), env: { PATH: process.env['PATH'] } });

  it('reads the image with --ca-cert and a user name and password', async () => {
    const image = await open(reference(), cacheOptions({ caCert: readFileSync(registry.caCert!), username: USER, password: PASSWORD, ...noDockerConfig() }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    expect((await readAll(image))[0]).toEqual(['node:etc', 'node:etc/os-release']);
    await image.close();
  });

  it('fails on the unknown certificate without --ca-cert, and --insecure accepts it', async () => {
    const err = await failure(open(reference(), cacheOptions({ username: USER, password: PASSWORD, ...noDockerConfig() })));
    expect(err.code).toBe('E_NETWORK');
    expect(err.hint).toMatch(/--ca-cert/);
    const image = await open(reference(), cacheOptions({ insecure: true, username: USER, password: PASSWORD, ...noDockerConfig() }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    await image.close();
  });

  it('the CLI takes --username (password from GROUT_REGISTRY_PASSWORD), --ca-cert and --insecure', async () => {
    const saved = { ...process.env };
    process.env['DOCKER_CONFIG'] = join(work, 'empty-docker');
    process.env['GROUT_REGISTRY_PASSWORD'] = PASSWORD;
    delete process.env['GROUT_REGISTRY_USERNAME'];
    try {
      const out = join(work, 'cli-inspect.json');
      expect(await main(['inspect', '-q', '-f', 'json', '-o', out, '--username', USER, '--ca-cert', registry.caCert!, reference()])).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8')).manifestDigest).toBe(single.manifestDigest);
      expect(await main(['sbom', '-q', '-f', 'json', '-o', join(work, 'cli-sbom.json'), '--username', USER, '--insecure', reference()])).toBe(0);
      // Without a CA or --insecure the self-signed certificate is refused: exit 3 (network).
      expect(await main(['sbom', '-q', '--username', USER, reference()])).toBe(3);
      // --password-stdin without --username is a usage error.
      expect(await main(['sbom', '-q', '--password-stdin', reference()])).toBe(2);
    } finally {
      process.env = saved;
    }
  });

  it('says clearly that a wrong password was refused, without printing it', async () => {
    const err = await failure(open(reference(), cacheOptions({ caCert: readFileSync(registry.caCert!), username: USER, password: 'wrong-Passw0rd', ...noDockerConfig() })));
    expect(err.code).toBe('E_REGISTRY_AUTH');
    expect(err.message).toContain(`user "${USER}"`);
    expect(`${err.message} ${err.hint}`).not.toContain('wrong-Passw0rd');
  });

  it('says that credentials are needed when none are given', async () => {
    const err = await failure(open(reference(), cacheOptions({ caCert: readFileSync(registry.caCert!), ...noDockerConfig() })));
    expect(err.code).toBe('E_REGISTRY_AUTH');
    expect(err.message).toMatch(/requires authentication/);
  });

  it('takes credentials from GROUT_REGISTRY_USERNAME/PASSWORD', async () => {
    const image = await open(reference(), cacheOptions({ caCert: readFileSync(registry.caCert!), dockerConfig: join(work, 'none.json'), env: { GROUT_REGISTRY_USERNAME: USER, GROUT_REGISTRY_PASSWORD: PASSWORD } }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    await image.close();
  });

  it('takes credentials from ~/.docker/config.json auths', async () => {
    const home = tempDir('grout-home-');
    mkdirSync(join(home, '.docker'));
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [`https://${registry.host}`]: { auth } } }));
    const image = await open(reference(), cacheOptions({ caCert: readFileSync(registry.caCert!), env: { HOME: home } }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    await image.close();
  });

  it('asks a docker-credential helper named by credHelpers', async () => {
    const dir = tempDir('grout-docker-config-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const helper = join(bin, 'docker-credential-grouttest');
    writeFileSync(
      helper,
      `#!/bin/sh\nread server\nif [ "$1" = get ] && [ "$server" = "${registry.host}" ]; then printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"; else echo "credentials not found in native keychain"; exit 1; fi\n`,
    );
    chmodSync(helper, 0o755);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'grouttest' } }));
    const image = await open(reference(), cacheOptions({ caCert: readFileSync(registry.caCert!), env: { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env['PATH']}` } }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    await image.close();
  });
});

describe.skipIf(!available)('token auth with a token server', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('token');
    await registry.push(`oci:${singleLayout}:v1`, 'team/small:v1');
  });
  afterAll(async () => registry?.stop());

  const reference = (): string => `${registry.host}/team/small:v1`;
  const noConfig = { dockerConfig: join(work, 'none.json'), env: {} };

  it('gets a Bearer token with the GET flow and Basic credentials', async () => {
    const before = registry.tokenRequests!.get;
    const image = await open(reference(), cacheOptions({ username: USER, password: PASSWORD, ...noConfig }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    await readAll(image);
    await image.close();
    // One token for the repository's pull scope serves the manifest, the config and every blob.
    expect(registry.tokenRequests!.get - before).toBe(1);
  });

  it('uses the OAuth2 POST flow with an identity token from the docker config', async () => {
    const dir = tempDir('grout-docker-config-');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: '', identitytoken: REFRESH_TOKEN } } }));
    const before = registry.tokenRequests!.post;
    const image = await open(reference(), cacheOptions({ env: { DOCKER_CONFIG: dir } }));
    expect(image.description.manifestDigest).toBe(single.manifestDigest);
    await image.close();
    expect(registry.tokenRequests!.post - before).toBe(1);
  });

  it('reports a wrong password as E_REGISTRY_AUTH', async () => {
    const err = await failure(open(reference(), cacheOptions({ username: USER, password: 'not-the-password', ...noConfig })));
    expect(err.code).toBe('E_REGISTRY_AUTH');
    expect(err.message).toMatch(/refused the credentials/);
    expect(`${err.message} ${err.hint}`).not.toContain('not-the-password');
  });

  it('reports anonymous access as refused', async () => {
    const err = await failure(open(reference(), cacheOptions(noConfig)));
    expect(err.code).toBe('E_REGISTRY_AUTH');
    expect(err.message).toMatch(/anonymous/);
  });

  it('the CLI exits 3 for an auth failure', async () => {
    const saved = { ...process.env };
    process.env['DOCKER_CONFIG'] = join(work, 'empty-docker');
    delete process.env['GROUT_REGISTRY_USERNAME'];
    try {
      expect(await main(['sbom', '-q', reference()])).toBe(3);
    } finally {
      process.env = saved;
    }
  });
});

it.skipIf(available)('registry tests need docker-registry, skopeo, openssl and htpasswd (apt-get install docker-registry skopeo apache2-utils)', () => {
  expect(existsSync('/usr/bin/docker-registry')).toBe(false);
  execFileSync('true');
});
