import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MemoryAdvisoryStore } from '../../test/memory-advisory-store.js';
import { vulndata } from '../../test/shared-data.js';
import type { EolCycle } from '../vulndb/advisory.js';
import { distroEol } from './distro-eol.js';
import { ALPINE_320, DEBIAN_11, DEBIAN_12, UBUNTU_2204 } from './testdata/packages.js';

/** The endoflife.date front matter of every product (MANIFEST §7), as EolCycles. */
function eolCycles(): EolCycle[] {
  const all = JSON.parse(gunzipSync(readFileSync(vulndata('eol', 'endoflife-date', 'all-products.json.gz'))).toString('utf8')) as Record<string, { releases: Record<string, unknown>[] }>;
  return Object.entries(all).flatMap(([product, p]) =>
    p.releases.map((r) => {
      const cycle: EolCycle = { product, cycle: String(r['releaseCycle']) };
      if (typeof r['eol'] === 'string' || typeof r['eol'] === 'boolean') cycle.eol = r['eol'];
      if (typeof r['eoes'] === 'string' || typeof r['eoes'] === 'boolean') cycle.eoes = r['eoes'];
      return cycle;
    }),
  );
}

describe('distroEol', () => {
  const store = new MemoryAdvisoryStore({ eol: eolCycles() });
  const now = new Date('2025-01-01T00:00:00Z');

  it('Debian by major release, Alpine by major.minor, Ubuntu by YY.MM', () => {
    expect(distroEol(DEBIAN_11, store, now)).toMatchObject({ product: 'debian', cycle: '11', eol: '2024-08-14', ended: true });
    expect(distroEol(DEBIAN_12, store, now)).toMatchObject({ product: 'debian', cycle: '12', eol: '2026-07-11', ended: false });
    expect(distroEol(ALPINE_320, store, now)).toEqual({ product: 'alpine-linux', cycle: '3.20', eol: '2026-04-01', ended: false });
    expect(distroEol(UBUNTU_2204, store, now)).toMatchObject({ product: 'ubuntu', cycle: '22.04', eol: '2027-04-01', ended: false });
  });

  it('says when extended (LTS / ESM) support outlives regular security support', () => {
    // Debian 11: security support ended 2024-08-14, Debian LTS runs until 2026-08-31 (endoflife.date `eoes`).
    expect(distroEol(DEBIAN_11, store, now)).toEqual({ product: 'debian', cycle: '11', eol: '2024-08-14', ended: true, extendedUntil: '2026-08-31', extendedEnded: false });
    expect(distroEol(DEBIAN_11, store, new Date('2026-09-01T00:00:00Z'))).toMatchObject({ ended: true, extendedEnded: true });
    // Alpine has no extended support.
    expect(distroEol(ALPINE_320, store, now)?.extendedUntil).toBeUndefined();
  });

  it('Debian testing by codename; the end day itself counts as ended; unknown distros give nothing', () => {
    expect(distroEol({ id: 'debian', codename: 'trixie', source: 'etc/os-release' }, store, now)).toMatchObject({ cycle: '13', ended: false });
    expect(distroEol(DEBIAN_12, store, new Date('2026-07-11T00:00:00Z'))?.ended).toBe(true);
    expect(distroEol({ id: 'plan9', versionId: '4', source: 'etc/os-release' }, store, now)).toBeUndefined();
    expect(distroEol({ id: 'debian', versionId: '99', source: 'etc/os-release' }, store, now)).toBeUndefined();
  });
});
