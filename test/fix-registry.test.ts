import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import type { GroutError } from '../src/core/errors.js';
import { fixImage, type FixOptions } from '../src/fix/fix-image.js';
import { RegistryClient } from '../src/image/registry/registry-client.js';
import { aptToolsAvailable } from './apt-repo/apt-repo.js';
import { OLD_TAG, startFixDemo, type FixDemo } from './fix-demo.js';
import { PASSWORD, READER, READER_PASSWORD, USER, registryAvailable, startProxy, startRegistry, type TestProxy, type TestRegistry } from './registry/registry-harness.js';

/**
 * `grout fix` with registries on both sides: the demo image (see ./fix-demo.ts) pushed to a real docker-registry
 * with skopeo, fixed from there, and the patched image pushed back — base layers found in place (or mounted)
 * rather than uploaded again, the patch layer, config and manifest pushed, the rescan reading the pushed image
 * back by digest. Plain http (behind a proxy that logs every request), htpasswd basic auth over TLS, and token
 * auth where one user may only pull.
 */
const available = aptToolsAvailable() && registryAvailable();
let demo: FixDemo;

beforeAll(async () => {
  if (!available) return;
  demo = await startFixDemo();
}, 1_800_000);

afterAll(async () => {
  await demo?.stop();
});

function options(extra: Partial<FixOptions> = {}): FixOptions {
  return { dbPath: demo.db, repos: demo.repos(), keyrings: [demo.keyring], now: new Date(), ...extra };
}

async function failure(promise: Promise<unknown>): Promise<GroutError> {
  try {
    await promise;
  } catch (err) {
    return err as GroutError;
  }
  throw new Error('expected a failure');
}

interface Manifest {
  layers: { digest: string; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

async function manifestOf(client: RegistryClient, repository: string, reference: string): Promise<{ digest: string; json: Manifest }> {
  const m = await client.getManifest(repository, reference);
  return { digest: m.digest, json: JSON.parse(m.bytes.toString('utf8')) as Manifest };
}

describe.skipIf(!available)('grout fix from and to a plain registry', () => {
  let registry: TestRegistry;
  let proxy: TestProxy;
  let client: RegistryClient;
  let input: { digest: string; json: Manifest };
  let ref: (path: string) => string;

  beforeAll(async () => {
    registry = await startRegistry('plain');
    await registry.push(`oci:${demo.oldLayout}:${OLD_TAG}`, `demo/app:${OLD_TAG}`);
    // grout talks to the registry through a proxy that logs every request, so uploads can be counted.
    proxy = await startProxy(registry.host, {});
    ref = (path) => `${proxy.host}/${path}`;
    client = new RegistryClient(registry.host);
    input = await manifestOf(client, 'demo/app', OLD_TAG);
  }, 600_000);
  afterAll(async () => {
    client?.close();
    await proxy?.stop();
    await registry?.stop();
  });

  it('reads the input from the registry and pushes the patched image next to it, uploading only what is new', async () => {
    const start = proxy.log.length;
    const result = await fixImage(ref(`demo/app:${OLD_TAG}`), options({ out: ref('demo/app:patched') }));
    expect(result.fixed).toEqual([{ id: 'CVE-2099-0001', package: 'grout-demo', from: '1.0-1', to: '1.0-2' }]);
    expect(result.notTaken).toEqual([]);
    expect(result.after?.findings).toEqual([]);
    const written = result.written!;
    expect(written.format).toBe('registry');
    expect(written.path).toBe(ref('demo/app:patched'));
    // The rescan read the pushed image back by digest.
    expect(result.patchedReference).toBe(ref(`demo/app@${written.manifestDigest}`));
    expect(result.after?.image.reference).toBe(result.patchedReference);

    // The patched manifest: the input's layers, same digests, plus one.
    const patched = await manifestOf(client, 'demo/app', 'patched');
    expect(patched.digest).toBe(written.manifestDigest);
    expect(patched.json.layers.slice(0, -1).map((l) => l.digest)).toEqual(input.json.layers.map((l) => l.digest));
    expect(patched.json.layers).toHaveLength(input.json.layers.length + 1);
    expect(patched.json.layers.at(-1)?.annotations).toEqual({ 'dev.grout.patch-layer': 'true' });
    expect(patched.json.annotations?.['org.opencontainers.image.base.digest']).toBe(input.digest);

    // Uploads: the patch layer and the config only; every base layer was found in place by HEAD.
    expect(written.pushed).toEqual({ reference: result.patchedReference, uploaded: 2, mounted: 0, existing: input.json.layers.length });
    const log = proxy.log.slice(start);
    const uploads = log.filter((e) => e.method === 'PUT' && e.path.includes('/blobs/uploads/'));
    expect(uploads).toHaveLength(2);
    expect(log.filter((e) => e.method === 'POST' && e.path.includes('/blobs/uploads/'))).toHaveLength(2);
    expect(log.filter((e) => e.method === 'PATCH')).toHaveLength(0);
    for (const layer of input.json.layers) expect(log.some((e) => e.method === 'HEAD' && e.path === `/v2/demo/app/blobs/${layer.digest}` && e.status === 200)).toBe(true);
    expect(log.filter((e) => e.method === 'PUT' && e.path.startsWith('/v2/demo/app/manifests/'))).toEqual([expect.objectContaining({ path: '/v2/demo/app/manifests/patched', status: 201 })]);

    // The input tag still names the input image.
    expect((await manifestOf(client, 'demo/app', OLD_TAG)).digest).toBe(input.digest);
  });

  it('`grout scan` of the pushed reference shows the fix', async () => {
    const out = join(demo.work, 'scan-patched.json');
    expect(await main(['scan', '-q', '-f', 'json', '-o', out, '--db', demo.db, ref('demo/app:patched')])).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] };
    expect(report.findings).toEqual([]);
    const before = join(demo.work, 'scan-old.json');
    expect(await main(['scan', '-q', '-f', 'json', '-o', before, '--db', demo.db, ref(`demo/app:${OLD_TAG}`)])).toBe(0);
    expect((JSON.parse(readFileSync(before, 'utf8')) as { findings: { id: string }[] }).findings.map((f) => f.id)).toEqual(['CVE-2099-0001', 'CVE-2099-0001']);
  });

  it('mounts the base layers when pushing to another repository of the same registry', async () => {
    const result = await fixImage(ref(`demo/app:${OLD_TAG}`), options({ out: `docker://${ref('demo/elsewhere:patched')}` }));
    expect(result.notTaken).toEqual([]);
    expect(result.written?.pushed).toMatchObject({ uploaded: 2, mounted: input.json.layers.length, existing: 0 });
    const patched = await manifestOf(client, 'demo/elsewhere', 'patched');
    expect(patched.json.layers.slice(0, -1).map((l) => l.digest)).toEqual(input.json.layers.map((l) => l.digest));
  });

  it('refuses an output that is the input repository:tag, before any work', async () => {
    const start = proxy.log.length;
    for (const out of [ref(`demo/app:${OLD_TAG}`), `docker://${ref(`demo/app:${OLD_TAG}`)}`]) {
      const err = await failure(fixImage(ref(`demo/app:${OLD_TAG}`), options({ out })));
      expect(err.code).toBe('E_USAGE');
      expect(err.message).toContain(`--out ${ref(`demo/app:${OLD_TAG}`)} is the input image ${ref(`demo/app:${OLD_TAG}`)}`);
    }
    expect(proxy.log.length).toBe(start);
  });

  it('a registry that refuses the manifest: a clear error, no tag written, the input tag unchanged', async () => {
    const refusing = await startProxy(registry.host, { refuse: { method: 'PUT', path: /\/manifests\//, status: 400, code: 'MANIFEST_INVALID' } });
    try {
      const err = await failure(fixImage(`${refusing.host}/demo/app:${OLD_TAG}`, options({ out: `${refusing.host}/demo/app:refused` })));
      expect(err.code).toBe('E_NETWORK');
      expect(err.message).toMatch(/demo\/app:refused: the registry refused storing the manifest \(HTTP 400\): MANIFEST_INVALID/);
      expect(await failure(client.getManifest('demo/app', 'refused'))).toMatchObject({ code: 'E_IMAGE_NOT_FOUND' });
      expect((await manifestOf(client, 'demo/app', OLD_TAG)).digest).toBe(input.digest);
    } finally {
      await refusing.stop();
    }
  });
});

describe.skipIf(!available)('grout fix with a registry behind basic auth over TLS', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startRegistry('basic-tls');
    await registry.push(`oci:${demo.oldLayout}:${OLD_TAG}`, `demo/app:${OLD_TAG}`);
  }, 600_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it('pushes with --username, the password from the environment and --ca-cert; never prints the password', async () => {
    const written: string[] = [];
    // Capture what the CLI prints; call the write callback, as the CLI waits for stdout to take its report.
    const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
      written.push(String(chunk));
      const callback = rest.find((r) => typeof r === 'function') as ((err?: Error) => void) | undefined;
      callback?.();
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
    process.env['GROUT_REGISTRY_PASSWORD'] = PASSWORD;
    let code: number;
    try {
      code = await main([
        'fix', '-q', `${registry.host}/demo/app:${OLD_TAG}`, '--out', `${registry.host}/demo/app:patched`,
        '--username', USER, '--ca-cert', registry.caCert!, '--db', demo.db, '--keyring', demo.keyring, '--repo', ...demo.repos(),
      ]);
    } finally {
      delete process.env['GROUT_REGISTRY_PASSWORD'];
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const text = written.join('');
    expect(code, text).toBe(0);
    expect(text).toMatch(new RegExp(`Pushed ${registry.host.replace(/\./g, '\\.')}/demo/app:patched = .*@sha256:[0-9a-f]{64} \\(\\d+ layers; blobs: 2 uploaded, 0 mounted, \\d+ already there\\)`));
    expect(text).not.toContain(PASSWORD);
    const client = new RegistryClient(registry.host, { username: USER, password: PASSWORD, caCert: readFileSync(registry.caCert!) });
    try {
      const m = await client.getManifest('demo/app', 'patched');
      expect((JSON.parse(m.bytes.toString('utf8')) as Manifest).layers.at(-1)?.annotations).toEqual({ 'dev.grout.patch-layer': 'true' });
    } finally {
      client.close();
    }
  });

  it('without credentials: E_REGISTRY_AUTH', async () => {
    const err = await failure(fixImage(`${registry.host}/demo/app:${OLD_TAG}`, options({ out: `${registry.host}/demo/app:anon`, registry: { caCert: readFileSync(registry.caCert!), env: {} } })));
    expect(err.code).toBe('E_REGISTRY_AUTH');
  });
});

describe.skipIf(!available)('grout fix with a token-auth registry', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startRegistry('token');
    await registry.push(`oci:${demo.oldLayout}:${OLD_TAG}`, `demo/app:${OLD_TAG}`);
  }, 600_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it('asks the token server for pull,push on the target repository', async () => {
    registry.tokenScopes!.length = 0;
    const result = await fixImage(`${registry.host}/demo/app:${OLD_TAG}`, options({ out: `${registry.host}/demo/pushed:patched`, registry: { username: USER, password: PASSWORD, env: {} } }));
    expect(result.notTaken).toEqual([]);
    expect(result.written?.pushed).toMatchObject({ uploaded: 2, existing: 0 });
    expect(registry.tokenScopes).toContain(`${USER} repository:demo/pushed:pull,push`);
    // The base layers were mounted from the input repository, for which the token asked pull.
    expect(registry.tokenScopes).toContain(`${USER} repository:demo/app:pull`);
    expect(result.written?.pushed?.mounted).toBeGreaterThan(0);
  });

  it('a token that may only pull is refused the push with a clear E_REGISTRY_AUTH', async () => {
    const err = await failure(fixImage(`${registry.host}/demo/app:${OLD_TAG}`, options({ out: `${registry.host}/demo/app:reader`, registry: { username: READER, password: READER_PASSWORD, env: {} } })));
    expect(err.code).toBe('E_REGISTRY_AUTH');
    expect(err.message).toMatch(/refused to let user "reader" .* push to .*demo\/app/);
    expect(err.hint).toMatch(/may pull but not push/);
    expect(err.message).not.toContain(READER_PASSWORD);
  });
});
