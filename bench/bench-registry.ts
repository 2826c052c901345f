import { registryAvailable, startRegistry, type TestRegistry } from '../test/registry/registry-harness.js';

export interface BenchRegistry {
  /** `127.0.0.1:<port>/grout/bench:1`: a registry reference grout reads over plain http (loopback). */
  reference: string;
  registry: TestRegistry;
}

/**
 * The benchmark image in a real registry: Debian's docker-registry started by the test harness in its plain mode
 * on 127.0.0.1 (storage in a temp dir, never its packaged service), the image pushed once with skopeo, layers
 * as they are in the OCI layout (gzip). Undefined, with the reason, when docker-registry or skopeo is missing.
 */
export async function benchRegistry(ociReference: string): Promise<BenchRegistry | { reason: string }> {
  if (!registryAvailable()) return { reason: 'docker-registry, skopeo, openssl or htpasswd is not installed' };
  const registry = await startRegistry('plain');
  try {
    await registry.push(ociReference, 'grout/bench:1');
  } catch (err) {
    await registry.stop();
    return { reason: (err as Error).message.slice(0, 500) };
  }
  return { reference: `${registry.host}/grout/bench:1`, registry };
}
