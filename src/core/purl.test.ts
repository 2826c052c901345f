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
});
