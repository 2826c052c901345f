import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/fixtures/image-builder.js';
import { registryAvailable, startProxy, startRegistry, type TestProxy, type TestRegistry } from '../../../test/registry/registry-harness.js';
import { bufferBlob, fileBlob, pushBlob, pushManifest } from './blob-push.js';
import { RegistryClient } from './registry-client.js';

/** The upload state machine against the real registry: monolithic and chunked, absolute and relative Locations. */
const available = registryAvailable();
const work = tempDir('grout-blob-push-');

function noise(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < length; i++) chunks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe.skipIf(!available)('pushBlob against docker-registry', () => {
  let registry: TestRegistry;
  let relative: TestRegistry;
  let proxy: TestProxy;
  const clients: RegistryClient[] = [];
  const client = (host: string): RegistryClient => {
    const c = new RegistryClient(host, { retry: { baseDelayMs: 10 } });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    registry = await startRegistry('plain');
    relative = await startRegistry('plain', { relativeUrls: true });
    proxy = await startProxy(registry.host, {});
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy?.stop();
    await registry?.stop();
    await relative?.stop();
  });

  it('uploads a small blob in one PUT, then finds it (HEAD) instead of uploading again', async () => {
    const bytes = noise('small', 5000);
    const c = client(proxy.host);
    const before = proxy.log.length;
    expect(await pushBlob(c, 'push/small', bufferBlob(bytes))).toBe('uploaded');
    const calls = proxy.log.slice(before).map((e) => `${e.method} ${e.path.replace(/uploads\/[^?]+/, 'uploads/ID').replace(/\?.*/, '?…')} ${e.status}`);
    expect(calls).toEqual([`HEAD /v2/push/small/blobs/${sha(bytes)} 404`, 'POST /v2/push/small/blobs/uploads/ 202', 'PUT /v2/push/small/blobs/uploads/ID?… 201']);
    expect(readFileSync(registry.blobDataPath(sha(bytes))).equals(bytes)).toBe(true);
    expect(await pushBlob(c, 'push/small', bufferBlob(bytes))).toBe('exists');
  });

  it('uploads a large blob in PATCH chunks from disk and closes with an empty PUT', async () => {
    const bytes = noise('large', 250_000);
    const file = join(work, 'large.bin');
    writeFileSync(file, bytes);
    const before = proxy.log.length;
    expect(await pushBlob(client(proxy.host), 'push/large', fileBlob(file, sha(bytes), bytes.length), { chunkSize: 100_000 })).toBe('uploaded');
    const methods = proxy.log.slice(before).map((e) => `${e.method} ${e.status}`);
    expect(methods).toEqual(['HEAD 404', 'POST 202', 'PATCH 202', 'PATCH 202', 'PATCH 202', 'PUT 201']);
    expect(readFileSync(registry.blobDataPath(sha(bytes))).equals(bytes)).toBe(true);
  });

  it('follows relative upload Locations', async () => {
    const bytes = noise('relative', 70_000);
    const file = join(work, 'relative.bin');
    writeFileSync(file, bytes);
    const c = client(relative.host);
    expect(await pushBlob(c, 'push/rel', fileBlob(file, sha(bytes), bytes.length), { chunkSize: 30_000 })).toBe('uploaded');
    expect(await pushBlob(c, 'push/rel2', bufferBlob(noise('relative-2', 100)))).toBe('uploaded');
    expect(readFileSync(relative.blobDataPath(sha(bytes))).equals(bytes)).toBe(true);
  });

  it('mounts a blob from another repository of the same registry', async () => {
    const bytes = noise('mount', 20_000);
    const c = client(registry.host);
    expect(await pushBlob(c, 'push/origin', bufferBlob(bytes))).toBe('uploaded');
    expect(await pushBlob(c, 'push/elsewhere', bufferBlob(bytes), { mountFrom: 'push/origin' })).toBe('mounted');
    // A mount from a repository without the blob falls back to an upload.
    const other = noise('mount-missing', 1000);
    expect(await pushBlob(c, 'push/elsewhere', bufferBlob(other), { mountFrom: 'push/origin' })).toBe('uploaded');
  });

  it('refuses bytes that do not match the digest, and stores a manifest under its tag', async () => {
    const bytes = noise('wrong', 1000);
    const c = client(registry.host);
    const lying = { ...bufferBlob(bytes), digest: sha(Buffer.from('something else')) };
    await expect(pushBlob(c, 'push/wrong', lying)).rejects.toMatchObject({ code: 'E_NETWORK', message: expect.stringMatching(/refused completing the upload \(HTTP 400\).*DIGEST_INVALID/) });
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    await pushBlob(c, 'push/manifest', bufferBlob(config));
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [] }));
    expect(await pushManifest(c, 'push/manifest', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json')).toBe(sha(manifest));
    const fetched = await c.getManifest('push/manifest', 'v1');
    expect(fetched.digest).toBe(sha(manifest));
  });
});
