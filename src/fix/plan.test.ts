import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryAdvisoryStore } from '../../test/memory-advisory-store.js';
import { vulndata } from '../../test/shared-data.js';
import type { ScanReport } from '../core/finding.js';
import type { Inventory, Package } from '../core/model.js';
import { matchInventory } from '../match/index.js';
import { DEBIAN_11, inventory, npm, pkg } from '../match/testdata/packages.js';
import type { Advisory } from '../vulndb/advisory.js';
import { debianDsaListFormat } from '../vulndb/feeds/debian/dsa-list-format.js';
import { wantedUpgrades } from './plan.js';

/** Plans from findings that the real DSA list gives for bullseye packages (MANIFEST 3a). */
let store: MemoryAdvisoryStore;

beforeAll(async () => {
  const advisories: Advisory[] = [];
  for await (const item of debianDsaListFormat.parse({ path: vulndata('debian', 'security-tracker', 'DSA.list'), label: 'DSA.list' }, { feed: 'debian-dsa' })) {
    if (item.type === 'advisory') advisories.push(item.advisory);
  }
  store = new MemoryAdvisoryStore({ advisories });
});

const deb = (name: string, version: string, source: string): Package =>
  pkg({ ecosystem: 'deb', name, version, source: { name: source, version }, path: 'var/lib/dpkg/status', layer: 0 }, DEBIAN_11);

function report(inv: Inventory): ScanReport {
  return {
    inventory: inv,
    image: inv.image,
    ...(inv.distro ? { distro: inv.distro } : {}),
    findings: matchInventory(inv, store, { now: new Date(0) }),
    expiredIgnores: [],
    database: { path: 'memory', builtAt: '2026-11-28T00:00:00Z', feeds: [], stale: false },
    scannedAt: '2026-11-28T00:00:00Z',
  };
}

describe('wantedUpgrades', () => {
  it('asks for the highest fix target of a source package and moves every binary built from it', () => {
    const inv = inventory(
      [deb('xserver-xorg-core', '2:1.20.11-1+deb11u3', 'xorg-server'), deb('xserver-common', '2:1.20.11-1+deb11u3', 'xorg-server'), npm('lodash', '4.17.15')],
      DEBIAN_11,
    );
    const r = report(inv);
    const plan = wantedUpgrades(r);
    expect(plan.upgrades).toHaveLength(1);
    const [xorg] = plan.upgrades;
    // +deb11u3 is hit by eight CVEs from DSA-5304-1 (+deb11u4), DSA-5342-1 (+deb11u5) and DSA-5380-1 (+deb11u6).
    expect(xorg).toMatchObject({ source: 'xorg-server', installed: '2:1.20.11-1+deb11u3', minimum: '2:1.20.11-1+deb11u6' });
    expect(xorg?.binaries.map((b) => b.name)).toEqual(['xserver-common', 'xserver-xorg-core']);
    expect(new Set(xorg?.fixes.map((f) => f.target))).toEqual(new Set(['2:1.20.11-1+deb11u4', '2:1.20.11-1+deb11u5', '2:1.20.11-1+deb11u6']));
    expect(xorg?.fixes.map((f) => f.id)).toContain('CVE-2023-1393');
  });

  it('says why what it cannot patch is not fixable, and honours the severity filter', () => {
    const inv = inventory([deb('xserver-xorg-core', '2:1.20.11-1+deb11u5', 'xorg-server')], DEBIAN_11);
    const r = report(inv);
    const lodash = npm('lodash', '4.17.15');
    const withLanguage: ScanReport = {
      ...r,
      inventory: { ...r.inventory, packages: [...r.inventory.packages, lodash] },
      findings: [
        ...r.findings,
        { ...r.findings[0]!, id: 'CVE-2020-8203', package: { ...r.findings[0]!.package, id: lodash.id, name: 'lodash', version: '4.17.15', ecosystem: 'npm' }, fixedVersions: ['4.17.20'] },
        { ...r.findings[0]!, id: 'CVE-2099-0001', state: 'will-not-fix', fixedVersions: [] },
      ],
    };
    const plan = wantedUpgrades(withLanguage);
    expect(plan.notFixable.map((n) => `${n.package} ${n.id}: ${n.reason}`)).toEqual([
      'lodash CVE-2020-8203: a npm dependency: upgrade it to 4.17.20 in the application and rebuild',
      'xserver-xorg-core CVE-2099-0001: the distribution decided not to fix it in this release (no-dsa / ignored)',
    ]);
    // The DSA list carries no severity, so its findings are `unknown`: a critical-only plan upgrades nothing.
    expect(r.findings.map((f) => f.severity)).toEqual(['unknown']);
    expect(wantedUpgrades(withLanguage, { severities: ['critical'] }).upgrades).toEqual([]);
    expect(wantedUpgrades(withLanguage, { severities: ['unknown'] }).upgrades.map((u) => u.source)).toEqual(['xorg-server']);
  });

  it('plans nothing for an image that is not Debian or Ubuntu', () => {
    const inv = inventory([deb('xserver-xorg-core', '2:1.20.11-1+deb11u5', 'xorg-server')], DEBIAN_11);
    const r = report(inv);
    const plan = wantedUpgrades({ ...r, distro: { id: 'alpine', versionId: '3.20.3', source: 'etc/os-release' } });
    expect(plan.upgrades).toEqual([]);
    expect(plan.notFixable[0]?.reason).toMatch(/patches Debian and Ubuntu images; this one is alpine/);
  });
});
