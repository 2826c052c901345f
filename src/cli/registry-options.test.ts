import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addRegistryOptions, registryOptionsFromCli, type RegistryCliOptions } from './registry-options.js';

function parse(argv: string[]): RegistryCliOptions {
  const command = addRegistryOptions(new Command('sbom').argument('<source>').exitOverride());
  command.parse(argv, { from: 'user' });
  return command.opts<RegistryCliOptions>();
}

describe('registry CLI options', () => {
  it('parses the four flags', () => {
    expect(parse(['--username', 'me', '--password-stdin', '--ca-cert', 'ca.pem', '--insecure', 'ref'])).toEqual({ username: 'me', passwordStdin: true, caCert: 'ca.pem', insecure: true });
    expect(parse(['ref'])).toEqual({});
  });

  it('reads the password from stdin without its trailing newline', async () => {
    const out = await registryOptionsFromCli({ username: 'me', passwordStdin: true }, { stdin: Readable.from([Buffer.from('s3cret\n')]), env: {} });
    expect(out).toMatchObject({ username: 'me', password: 's3cret' });
  });

  it('takes the password from GROUT_REGISTRY_PASSWORD when not piped', async () => {
    expect(await registryOptionsFromCli({ username: 'me' }, { env: { GROUT_REGISTRY_PASSWORD: 'pw' } })).toMatchObject({ username: 'me', password: 'pw' });
  });

  it('refuses incomplete combinations with usage errors', async () => {
    await expect(registryOptionsFromCli({ passwordStdin: true }, { env: {} })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(registryOptionsFromCli({ username: 'me' }, { env: {} })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(registryOptionsFromCli({ username: 'me', passwordStdin: true }, { stdin: Readable.from([]), env: {} })).rejects.toThrow(/nothing was read/);
  });

  it('reads a PEM --ca-cert and refuses anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grout-ca-'));
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const out = await registryOptionsFromCli({ caCert: pem, insecure: true }, { env: {} });
    expect(out.caCert?.toString()).toContain('BEGIN CERTIFICATE');
    expect(out.insecure).toBe(true);
    writeFileSync(join(dir, 'x.der'), Buffer.from([0x30, 0x82]));
    await expect(registryOptionsFromCli({ caCert: join(dir, 'x.der') }, { env: {} })).rejects.toThrow(/not a PEM/);
    await expect(registryOptionsFromCli({ caCert: join(dir, 'missing.pem') }, { env: {} })).rejects.toThrow(/no such file/);
  });
});
