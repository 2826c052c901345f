import { describe, expect, it } from 'vitest';
import { familiarName, formatDockerReference, parseDockerReference } from './docker-reference.js';

// Cases follow the docker reference grammar's own tests (distribution/reference normalize_test.go and
// reference_test.go), seen through ParseNormalizedNamed + TagNameOnly as `docker pull` applies them.
const FF = 'f'.repeat(64);

describe('parseDockerReference', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['index.docker.io/library/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/debian', 'docker.io/library/debian:latest'],
    ['library/debian', 'docker.io/library/debian:latest'],
    ['docker/docker', 'docker.io/docker/docker:latest'],
    ['fooo/bar', 'docker.io/fooo/bar:latest'],
    ['library/foo/bar', 'docker.io/library/foo/bar:latest'],
    ['test_com/foo', 'docker.io/test_com/foo:latest'],
    ['test.com/foo', 'test.com/foo:latest'],
    ['test.com:8080/foo', 'test.com:8080/foo:latest'],
    ['test-com:8080/foo', 'test-com:8080/foo:latest'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo:latest'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/ns/repo:tag', 'localhost:5000/ns/repo:tag'],
    ['127.0.0.1:5000/library/debian', '127.0.0.1:5000/library/debian:latest'],
    ['192.168.0.1', 'docker.io/library/192.168.0.1:latest'],
    ['192.168.0.1:80', 'docker.io/library/192.168.0.1:80'],
    ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000/repo:5050'],
    ['[fc00::1]:5000/docker/docker', '[fc00::1]:5000/docker/docker:latest'],
    ['[2001:db8::1]/repo', '[2001:db8::1]/repo:latest'],
    ['[::1]:5000/repo', '[::1]:5000/repo:latest'],
    ['Docker/docker', 'Docker/docker:latest'],
    ['FOO/bar', 'FOO/bar:latest'],
    ['lowercase:Uppercase', 'docker.io/library/lowercase:Uppercase'],
    ['dock__er/docker', 'docker.io/dock__er/docker:latest'],
    ['docker---rules/docker', 'docker.io/docker---rules/docker:latest'],
    ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io/test.example.com/my-app:test.example.com'],
    ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest'],
    ['dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', 'docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest'],
    ['docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest'],
    [`redis@sha256:${FF}`, `docker.io/library/redis@sha256:${FF}`],
    [`test:5000/repo:tag@sha256:${FF}`, `test:5000/repo:tag@sha256:${FF}`],
    [`busybox:latest@sha256:${FF}`, `docker.io/library/busybox:latest@sha256:${FF}`],
    [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`, `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`],
  ])('%s → %s', (input, expected) => {
    expect(formatDockerReference(parseDockerReference(input))).toBe(expected);
  });

  it('splits domain, path, tag and digest', () => {
    expect(parseDockerReference('test:5000/repo:tag@sha256:' + FF)).toEqual({ domain: 'test:5000', path: 'repo', tag: 'tag', digest: `sha256:${FF}` });
    expect(parseDockerReference('test:5000/repo@sha256:' + FF)).toEqual({ domain: 'test:5000', path: 'repo', digest: `sha256:${FF}` });
    expect(parseDockerReference('foo/foo_bar.com:8080')).toEqual({ domain: 'docker.io', path: 'foo/foo_bar.com', tag: '8080' });
    expect(parseDockerReference('test.com:5000')).toEqual({ domain: 'docker.io', path: 'library/test.com', tag: '5000' });
  });

  it.each([
    ['', /empty/],
    [':justtag', /grammar/],
    [`@sha256:${FF}`, /grammar/],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', /64 lowercase hex/],
    [`validname@invaliddigest:${FF}`, /unsupported digest algorithm/],
    ['Uppercase:tag', /must be lowercase/],
    ['test:5000/Uppercase/lowercase:tag', /must be lowercase/],
    ['docker/Docker', /must be lowercase/],
    ['docker.io/docker/Docker', /must be lowercase/],
    ['https://github.com/docker/docker', /grammar/],
    ['-docker', /grammar/],
    ['-docker/docker', /grammar/],
    ['docker-/docker', /grammar/],
    ['-docker.io/docker/docker', /grammar/],
    ['docker///docker', /grammar/],
    ['docker.io/docker///docker', /grammar/],
    ['____/____', /grammar/],
    ['_docker/_docker', /grammar/],
    ['dock..er/docker', /grammar/],
    ['dock_.er/docker', /grammar/],
    ['dock-.er/docker', /grammar/],
    ['docker/', /grammar/],
    ['aa/asdf$$^/aa', /grammar/],
    ['[fc00::1]', /grammar/],
    ['[fc00::1]:5000', /grammar/],
    ['fc00::1:5000/debian', /grammar/],
    ['[fe80::1%eth0]:5000/debian', /grammar/],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', /grammar/],
    ['1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', /image id/],
    [`${'a/'.repeat(128)}a:tag`, /longer than 255/],
    [`${'this_is_not_a_valid_namespace'.repeat(9)}/docker`, /longer than 255/],
    ['repo:-tag', /grammar/],
    [`repo:${'t'.repeat(129)}`, /grammar/],
  ])('rejects %s', (input, reason) => {
    let error: unknown;
    try {
      parseDockerReference(input);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'E_SOURCE_SYNTAX' });
    expect((error as Error).message).toMatch(reason);
  });

  it('prints the familiar form docker prints', () => {
    expect(familiarName(parseDockerReference('docker.io/library/ubuntu'))).toBe('ubuntu:latest');
    expect(familiarName(parseDockerReference('docker.io/library/foo/bar:1'))).toBe('library/foo/bar:1');
    expect(familiarName(parseDockerReference('me/app:1'))).toBe('me/app:1');
    expect(familiarName(parseDockerReference('127.0.0.1:8000/private/moonbase:x'))).toBe('127.0.0.1:8000/private/moonbase:x');
  });
});
