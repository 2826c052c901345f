import { describe, expect, it } from 'vitest';
import { LayerTable } from './layer-facts.js';
import { decodePackage } from './package-build.js';
import type { Fact, RawComponent } from './raw-document.js';
import { parseSourceRpm } from './source-package.js';

function decode(purl: string, extra: Partial<RawComponent> = {}, facts: Fact[] = []): ReturnType<typeof decodePackage> {
  return decodePackage({ kind: 'package', purl, licenses: [], facts, ...extra }, 'sbom/test@1', new LayerTable());
}

function pkg(purl: string, extra: Partial<RawComponent> = {}, facts: Fact[] = []): Record<string, unknown> {
  const r = decode(purl, extra, facts);
  if (!r.ok) throw new Error(r.reason);
  const { ecosystem, name, version, arch, source } = r.pkg;
  return { ecosystem, name, version, ...(arch ? { arch } : {}), ...(source ? { source } : {}) };
}

const trivy = (facts: Record<string, string>): Fact[] => Object.entries(facts).map(([k, v]) => ({ name: `aquasecurity:trivy:${k}`, value: v }));

describe('decodePackage', () => {
  it.each([
    // Trivy: deb epoch in a qualifier, source from SrcName/SrcEpoch/SrcVersion/SrcRelease.
    [
      'pkg:deb/debian/libmagic1@5.44-3?arch=amd64&distro=debian-12.15&epoch=1',
      trivy({ SrcName: 'file', SrcEpoch: '1', SrcVersion: '5.44', SrcRelease: '3' }),
      { ecosystem: 'deb', name: 'libmagic1', version: '1:5.44-3', arch: 'amd64', source: { name: 'file', version: '1:5.44-3' } },
    ],
    // A native package: no SrcRelease.
    ['pkg:deb/debian/adduser@3.134?arch=all', trivy({ SrcName: 'adduser', SrcVersion: '3.134' }), { ecosystem: 'deb', name: 'adduser', version: '3.134', arch: 'all', source: { name: 'adduser', version: '3.134' } }],
    // Syft/grout: upstream=name@version.
    ['pkg:deb/debian/bash@5.2.15-2%2Bb7?upstream=bash%405.2.15-2', [], { ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b7', source: { name: 'bash', version: '5.2.15-2' } }],
    // rpm: epoch qualifier into the version; the source rpm names the source; Trivy's SrcEpoch is not in rpm source versions.
    [
      'pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm',
      [],
      { ecosystem: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', arch: 'x86_64', source: { name: 'openssl', version: '3.0.7-24.el9' } },
    ],
    ['pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?epoch=1', trivy({ SrcName: 'openssl', SrcEpoch: '1', SrcVersion: '3.0.7', SrcRelease: '24.el9' }), { ecosystem: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', source: { name: 'openssl', version: '3.0.7-24.el9' } }],
    ['pkg:rpm/rocky/gpg-pubkey@350d275d-6395f1f0?epoch=0', [], { ecosystem: 'rpm', name: 'gpg-pubkey', version: '350d275d-6395f1f0' }],
    ['pkg:apk/alpine/libcrypto3@3.1.4-r5?upstream=openssl', [], { ecosystem: 'apk', name: 'libcrypto3', version: '3.1.4-r5', source: { name: 'openssl', version: '3.1.4-r5' } }],
    ['pkg:npm/%40babel/core@7.24.0', [], { ecosystem: 'npm', name: '@babel/core', version: '7.24.0' }],
    ['pkg:golang/github.com/gin-gonic/gin@v1.9.1', [], { ecosystem: 'golang', name: 'github.com/gin-gonic/gin', version: 'v1.9.1' }],
    ['pkg:composer/symfony/http-kernel@6.4.0', [], { ecosystem: 'composer', name: 'symfony/http-kernel', version: '6.4.0' }],
    ['pkg:cargo/smallvec@1.11.0', [], { ecosystem: 'cargo', name: 'smallvec', version: '1.11.0' }],
    ['pkg:gem/rack@2.2.6', [], { ecosystem: 'gem', name: 'rack', version: '2.2.6' }],
    ['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10.1', [], { ecosystem: 'maven', name: 'com.fasterxml.jackson.core:jackson-databind', version: '2.9.10.1' }],
  ] as const)('%s', (purl, facts, expected) => {
    expect(pkg(purl, {}, [...facts])).toEqual(expected);
  });

  it('keeps the component\'s spelling of a name its ecosystem compares loosely', () => {
    expect(pkg('pkg:pypi/typing-extensions@4.9.0', { name: 'typing_extensions' })).toMatchObject({ name: 'typing_extensions' });
    expect(pkg('pkg:nuget/Newtonsoft.Json@13.0.1', { name: 'newtonsoft.json' })).toMatchObject({ name: 'newtonsoft.json' });
    expect(pkg('pkg:pypi/requests@2.31.0', { name: 'something-else' })).toMatchObject({ name: 'requests' });
  });

  it('takes the version from the component when the purl has none', () => {
    expect(pkg('pkg:npm/left-pad', { version: '1.3.0' })).toMatchObject({ version: '1.3.0' });
  });
});

describe('parseSourceRpm', () => {
  it.each([
    ['util-linux-2.32.1-42.el8_8.src.rpm', { name: 'util-linux', version: '2.32.1-42.el8_8' }],
    ['bash-5.1.8-6.el9_1.nosrc.rpm', { name: 'bash', version: '5.1.8-6.el9_1' }],
    ['(none)', undefined],
    ['bash-5.1.8.src.rpm', undefined],
    ['-1-2.src.rpm', undefined],
    ['a--2.src.rpm', undefined],
  ])('%s', (file, expected) => {
    expect(parseSourceRpm(file)).toEqual(expected);
  });
});
