import { describe, expect, it } from 'vitest';
import type { Distro, ExtractedPackage } from './model.js';
import { purlFor } from './purl.js';

const debian: Distro = { id: 'debian', versionId: '12', source: 'etc/os-release' };

describe('purlFor', () => {
  it('writes the syft form for a Debian package with a differing source', () => {
    const pkg: ExtractedPackage = {
      ecosystem: 'deb', name: 'libpam-runtime', version: '1.1.8-3.6', arch: 'all',
      source: { name: 'pam', version: '1.1.8-3.6' }, licenses: [], evidence: 'var/lib/dpkg/status',
    };
    // The expectation from ../shared/peer-fixtures/os-pkgdb/dpkg/syft-image-dpkg.
    expect(purlFor(pkg, debian)).toBe('pkg:deb/debian/libpam-runtime@1.1.8-3.6?arch=all&distro=debian-12&upstream=pam');
  });

  it('adds the source version when it differs and keeps the epoch in a deb version', () => {
    const pkg: ExtractedPackage = {
      ecosystem: 'deb', name: 'libssl3', version: '1:3.0.11-1~deb12u2+b1', arch: 'amd64',
      source: { name: 'openssl', version: '1:3.0.11-1~deb12u2' }, licenses: [], evidence: 'var/lib/dpkg/status',
    };
    expect(purlFor(pkg, debian)).toBe(
      // Encoding as packageurl-js (the reference implementation for JavaScript) writes it.
      'pkg:deb/debian/libssl3@1:3.0.11-1~deb12u2+b1?arch=amd64&distro=debian-12&upstream=openssl%401%3A3.0.11-1%7Edeb12u2',
    );
  });

  it('moves an rpm epoch into a qualifier and names the source rpm', () => {
    const pkg: ExtractedPackage = {
      ecosystem: 'rpm', name: 'dive', version: '0.9.2-1', arch: 'x86_64', licenses: ['MIT'], evidence: 'var/lib/rpm/Packages',
      metadata: { kind: 'rpm', release: '1', sourceRpm: 'dive-0.9.2-1.src.rpm' },
    };
    // syft's expectation in ../shared/peer-fixtures/os-pkgdb/rpm/syft-Packages (no distro known there).
    expect(purlFor(pkg, undefined)).toBe('pkg:rpm/dive@0.9.2-1?arch=x86_64&upstream=dive-0.9.2-1.src.rpm');
    const withEpoch = { ...pkg, version: '1:0.9.2-1', metadata: { kind: 'rpm' as const, release: '1', epoch: 1 } };
    expect(purlFor(withEpoch, { id: 'rocky', versionId: '9.3', source: 'etc/os-release' })).toBe(
      'pkg:rpm/rocky/dive@0.9.2-1?arch=x86_64&distro=rocky-9.3&epoch=1',
    );
  });

  it.each([
    [{ ecosystem: 'npm', name: '@babel/core', version: '7.24.0' }, 'pkg:npm/%40babel/core@7.24.0'],
    [{ ecosystem: 'npm', name: 'lodash', version: '4.17.21' }, 'pkg:npm/lodash@4.17.21'],
    [{ ecosystem: 'pypi', name: 'Django_Rest.framework', version: '3.15.1' }, 'pkg:pypi/django-rest-framework@3.15.1'],
    [{ ecosystem: 'golang', name: 'github.com/gorilla/mux', version: 'v1.8.1' }, 'pkg:golang/github.com/gorilla/mux@v1.8.1'],
    [{ ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' }, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'],
    [{ ecosystem: 'composer', name: 'Laravel/Framework', version: 'v10.0.0' }, 'pkg:composer/laravel/framework@v10.0.0'],
    [{ ecosystem: 'cargo', name: 'serde', version: '1.0.200' }, 'pkg:cargo/serde@1.0.200'],
    [{ ecosystem: 'gem', name: 'rails', version: '7.1.3' }, 'pkg:gem/rails@7.1.3'],
    [{ ecosystem: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3' }, 'pkg:nuget/Newtonsoft.Json@13.0.3'],
  ] as const)('writes the purl of %o', (partial, purl) => {
    expect(purlFor({ ...partial, licenses: [], evidence: 'x' }, debian)).toBe(purl);
  });
});
