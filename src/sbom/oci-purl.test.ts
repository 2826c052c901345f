import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { ociPurl } from './oci-purl.js';

/** What packageurl-js 2 gives for the same parts, undefined where it throws: the reference ociPurl is held to. */
function reference(name: string, version: string, qualifiers: Record<string, string>): string | undefined {
  try {
    return new PackageURL('oci', undefined, name, version, qualifiers, undefined).toString();
  } catch {
    return undefined;
  }
}

describe('ociPurl', () => {
  it('writes the purl of the purl spec example and of a registry image', () => {
    expect(ociPurl('debian', 'sha256:244fd47e07d10', { repository_url: 'docker.io/library/debian', arch: 'amd64', tag: 'latest' })).toBe(
      'pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=latest',
    );
    expect(ociPurl('App', 'sha256:ab', { tag: '1.0+build 2' })).toBe('pkg:oci/app@sha256:ab?tag=1.0%2Bbuild%202');
    expect(ociPurl('  ', 'sha256:ab', {})).toBeUndefined();
  });

  it('agrees with packageurl-js on every combination of awkward names, versions and qualifier values', () => {
    const pieces = ['', ' ', 'a', 'Z', '9', '-', '_', '.', '~', '+', '%', '%2F', ':', '/', '@', '?', '#', '&', '=', ';', ',', "'", '*', '!', '(', ')', '\t', 'é', 'ß', '日本', '\u{1F600}', '\uD800', '\u0000', 'İ', 'K'];
    // Deterministic pseudo-random strings of 0-4 pieces.
    let state = 7;
    const next = (n: number): number => (state = (state * 1_103_515_245 + 12_345) >>> 0) % n;
    const text = (): string => Array.from({ length: next(5) }, () => pieces[next(pieces.length)]).join('');
    let compared = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const name = text();
      const version = i % 7 === 0 ? '' : `sha256:${text()}`;
      const qualifiers: Record<string, string> = {};
      for (const key of ['tag', 'arch', 'repository_url']) if (next(3) > 0) qualifiers[key] = text();
      const expected = reference(name, version, qualifiers);
      expect(ociPurl(name, version, qualifiers), JSON.stringify({ name, version, qualifiers })).toBe(expected);
      compared++;
      if (expected === undefined) refused++;
    }
    expect(compared).toBe(20_000);
    // Both outcomes were exercised.
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(compared - 100);
  });
});
