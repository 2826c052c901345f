import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir, writeDockerArchive, writeOciLayout } from '../../test/fixtures/image-builder.js';
import { main } from './main.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

const status = 'Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2024a-0+deb12u1\nMaintainer: X <x@example.org>\nDescription: tz\n';
const spec = {
  tag: 'v1',
  layers: [
    {
      createdBy: 'ADD rootfs.tar /',
      entries: [
        { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
        { path: 'var/lib/dpkg/status', content: status },
      ],
    },
  ],
};

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += chunk.toString();
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('grout --version', () => {
  it('prints the version (-V or --version) and exits 0', async () => {
    const { GROUT_VERSION } = await import('../grout-version.js');
    for (const args of [['--version'], ['-V']]) {
      const { code, stdout } = await run(args);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(GROUT_VERSION);
    }
  });
});

describe('grout sbom', () => {
  const layout = join(work, 'layout');
  const ready = writeOciLayout(layout, [spec]);

  it('prints a table by default and JSON formats on request, results on stdout only', async () => {
    await ready;
    const table = await run(['sbom', `oci:${layout}:v1`]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+ARCH\s+TYPE\s+SOURCE\s+LAYER\ntzdata\s+2024a-0\+deb12u1\s+all\s+deb\s+0\n/);
    expect(table.stderr).toBe('');
    for (const format of ['cyclonedx', 'spdx', 'json']) {
      const r = await run(['sbom', `oci:${layout}:v1`, '-f', format]);
      expect(r.code).toBe(0);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
  });

  it('writes the same bytes to -o twice', async () => {
    await ready;
    const a = join(work, 'a.json');
    const b = join(work, 'b.json');
    expect((await run(['sbom', `oci:${layout}:v1`, '-f', 'cyclonedx', '-o', a])).code).toBe(0);
    expect((await run(['sbom', `oci:${layout}:v1`, '-f', 'cyclonedx', '-o', b])).code).toBe(0);
    expect(readFileSync(a)).toEqual(readFileSync(b));
    expect(JSON.parse(readFileSync(a, 'utf8')).components.some((c: { name: string }) => c.name === 'tzdata')).toBe(true);
  });

  it('writes JSON in pieces to -o exactly as to stdout, and names a file it cannot write', async () => {
    await ready;
    const file = join(work, 'inventory.json');
    const printed = await run(['sbom', `oci:${layout}:v1`, '-f', 'json']);
    expect((await run(['sbom', `oci:${layout}:v1`, '-f', 'json', '-o', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(printed.stdout);
    expect(JSON.parse(printed.stdout).schema).toBe('grout.inventory/v1');
    const unwritable = await run(['sbom', `oci:${layout}:v1`, '-f', 'json', '-o', join(work, 'no-such-dir', 'x.json')]);
    expect(unwritable.code).not.toBe(0);
    expect(unwritable.stderr).toMatch(/cannot write .*no-such-dir\/x\.json/);
  });

  it('exits 2 on usage errors, 3 on missing images, 4 on malformed ones, with a clear message', async () => {
    await ready;
    const badFormat = await run(['sbom', `oci:${layout}:v1`, '-f', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/xml/);
    const missing = await run(['sbom', `oci:${join(work, 'nope')}`]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^grout: error: .*nope: no such directory\n/);
    const junk = join(work, 'junk.tar');
    writeFileSync(junk, Buffer.alloc(2048, 1));
    const malformed = await run(['sbom', `docker-archive:${junk}`]);
    expect(malformed.code).toBe(4);
    expect(malformed.stderr).toMatch(/junk\.tar: not a valid tar archive/);
    expect(malformed.stderr).not.toMatch(/at .*\.ts:\d+/);
    const platform = await run(['sbom', `oci:${layout}:v1`, '--platform', 'linux/s390x']);
    expect(platform.code).toBe(3);
    expect(platform.stderr).toMatch(/linux\/amd64, not linux\/s390x/);
  });
});

describe('grout inspect', () => {
  it('shows platform, distro, layers with created_by and packages per layer', async () => {
    const file = join(work, 'app.tar');
    await writeDockerArchive(file, spec, 'legacy', 'example/app:1');
    const r = await run(['inspect', `docker-archive:${file}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Platform:   linux/amd64');
    expect(r.stdout).toContain('Distro:     Debian GNU/Linux 12 (bookworm)');
    expect(r.stdout).toMatch(/0\s+[0-9a-f]{12}\s+\S+ \S+\s+1\s+ADD rootfs.tar \//);
    expect(r.stdout).toContain('Layer 0 packages: tzdata@2024a-0+deb12u1');
    const json = JSON.parse((await run(['inspect', `docker-archive:${file}`, '-f', 'json'])).stdout);
    expect(json.layers[0]).toMatchObject({ index: 0, createdBy: 'ADD rootfs.tar /', packages: ['tzdata@2024a-0+deb12u1'] });
    expect(json.tags).toEqual(['example/app:1']);
  });
});
