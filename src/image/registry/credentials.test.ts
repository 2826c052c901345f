import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authKeyHost, resolveCredentials, runCredentialHelper } from './credentials.js';

function configDir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'grout-docker-config-'));
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** A docker-credential-<name> script answering for one server. */
function helperOnPath(name: string, server: string, answer: string): string {
  const bin = mkdtempSync(join(tmpdir(), 'grout-helper-'));
  const path = join(bin, `docker-credential-${name}`);
  writeFileSync(path, `#!/bin/sh\nread s\nif [ "$1" = get ] && [ "$s" = "${server}" ]; then printf '%s' '${answer}'; else echo "credentials not found in native keychain"; exit 1; fi\n`);
  chmodSync(path, 0o755);
  return `${bin}:${process.env['PATH']}`;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('resolveCredentials', () => {
  it('prefers the command line, then the environment, then the docker config', async () => {
    const dir = configDir({ auths: { 'reg.example:5000': { auth: b64('cfg:cfgpw') } } });
    const env = { DOCKER_CONFIG: dir, GROUT_REGISTRY_USERNAME: 'envu', GROUT_REGISTRY_PASSWORD: 'envpw' };
    expect(await resolveCredentials('reg.example:5000', { username: 'cli', password: 'clipw', env })).toMatchObject({ username: 'cli', password: 'clipw', origin: '--username' });
    expect(await resolveCredentials('reg.example:5000', { env })).toMatchObject({ username: 'envu', password: 'envpw' });
    expect(await resolveCredentials('reg.example:5000', { env: { DOCKER_CONFIG: dir } })).toMatchObject({ username: 'cfg', password: 'cfgpw' });
    expect(await resolveCredentials('other.example', { env: { DOCKER_CONFIG: dir } })).toBeUndefined();
  });

  it('matches auths keys written with scheme and path, and Docker Hub under its v1 URL', async () => {
    const dir = configDir({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:hubpw') },
        'http://reg.example/v2/': { username: 'plain', password: 'pw' },
        'tok.example': { auth: '', identitytoken: 'refresh-me' },
      },
    });
    const env = { DOCKER_CONFIG: dir };
    expect(await resolveCredentials('docker.io', { env })).toMatchObject({ username: 'hub', password: 'hubpw' });
    expect(await resolveCredentials('reg.example', { env })).toMatchObject({ username: 'plain', password: 'pw' });
    expect(await resolveCredentials('tok.example', { env })).toEqual({ identityToken: 'refresh-me', origin: `docker config ${join(dir, 'config.json')}` });
    expect(authKeyHost('https://Reg.Example:5000/v1/')).toBe('reg.example:5000');
  });

  it('asks credHelpers, then credsStore, and falls back to auths when the helper has nothing', async () => {
    const PATH = helperOnPath('grouttest', 'reg.example', '{"ServerURL":"reg.example","Username":"helper","Secret":"helperpw"}');
    const dir = configDir({ credHelpers: { 'reg.example': 'grouttest' }, credsStore: 'grouttest', auths: { 'fallback.example': { auth: b64('f:fpw') } } });
    expect(await resolveCredentials('reg.example', { env: { DOCKER_CONFIG: dir, PATH } })).toEqual({ username: 'helper', password: 'helperpw', origin: 'docker-credential-grouttest' });
    expect(await resolveCredentials('fallback.example', { env: { DOCKER_CONFIG: dir, PATH } })).toMatchObject({ username: 'f' });
  });

  it('reads a helper\'s <token> answer as an identity token', async () => {
    const PATH = helperOnPath('grouttok', 'reg.example', '{"ServerURL":"reg.example","Username":"<token>","Secret":"refresh-abc"}');
    expect(await runCredentialHelper('grouttok', 'reg.example', { PATH })).toEqual({ identityToken: 'refresh-abc', origin: 'docker-credential-grouttok' });
  });

  it('treats a missing helper or config as anonymous', async () => {
    expect(await runCredentialHelper('grout-no-such-helper', 'x', { PATH: '/nonexistent' })).toBeUndefined();
    expect(await resolveCredentials('x', { env: { DOCKER_CONFIG: '/nonexistent' } })).toBeUndefined();
  });

  it('reports a broken config without quoting it (it holds secrets)', async () => {
    const dir = configDir('{"auths": {"x": {"auth": "c2VjcmV0' );
    const err = await resolveCredentials('x', { env: { DOCKER_CONFIG: dir } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_INPUT_FORMAT' });
    expect((err as Error).message).not.toContain('c2VjcmV0');
    const bad = configDir({ auths: { x: { auth: b64('no-colon') } } });
    await expect(resolveCredentials('x', { env: { DOCKER_CONFIG: bad } })).rejects.toMatchObject({ code: 'E_INPUT_FORMAT' });
    await expect(runCredentialHelper('../evil', 'x')).rejects.toMatchObject({ code: 'E_INPUT_FORMAT' });
  });

  it('finds ~/.docker/config.json through HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'grout-home-'));
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'h.example': { auth: b64('u:p') } } }));
    expect(await resolveCredentials('h.example', { env: { HOME: home } })).toMatchObject({ username: 'u', password: 'p' });
  });
});
