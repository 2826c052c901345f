/**
 * Is the image's distro release past its end of security support? From the endoflife.date data in the store:
 * debian → product `debian`, cycle `12`; alpine → `alpine-linux`, `3.20`; ubuntu → `ubuntu`, `22.04`; the
 * RPM distros by their product names. The cycle is the first of VERSION_ID, its major.minor and its major that the
 * product has (Debian testing without VERSION_ID: the codename's release number).
 */
import type { DistroEol } from '../core/finding.js';
import type { Distro } from '../core/model.js';
import type { AdvisoryStore } from '../vulndb/store.js';
import { debianReleaseOf } from './distro-release.js';

const PRODUCTS: Readonly<Record<string, string>> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine-linux',
  rhel: 'rhel',
  centos: 'centos',
  rocky: 'rocky-linux',
  almalinux: 'almalinux',
  fedora: 'fedora',
  amzn: 'amazon-linux',
  ol: 'oracle-linux',
  'opensuse-leap': 'opensuse',
  sles: 'sles',
  photon: 'vmware-photon',
};

export function distroEol(distro: Distro, store: Pick<AdvisoryStore, 'eol'>, now: Date): DistroEol | undefined {
  const product = Object.hasOwn(PRODUCTS, distro.id) ? PRODUCTS[distro.id] : undefined;
  if (product === undefined) return undefined;
  const cycles = store.eol(product);
  for (const candidate of cycleCandidates(distro)) {
    const cycle = cycles.find((c) => c.cycle === candidate);
    if (cycle === undefined) continue;
    const out: DistroEol = { product, cycle: cycle.cycle, ended: hasEnded(cycle.eol, now) };
    if (cycle.eol !== undefined) out.eol = cycle.eol;
    if (cycle.eoes !== undefined && cycle.eoes !== false) {
      out.extendedUntil = cycle.eoes;
      out.extendedEnded = hasEnded(cycle.eoes, now);
    }
    return out;
  }
  return undefined;
}

function cycleCandidates(distro: Distro): string[] {
  const out: string[] = [];
  const v = distro.versionId;
  if (v !== undefined && v !== '') {
    out.push(v);
    const m = /^(\d+)(?:\.(\d+))?/.exec(v);
    if (m?.[2] !== undefined) out.push(`${m[1]}.${m[2]}`);
    if (m?.[1] !== undefined) out.push(m[1]);
  } else if (distro.id === 'debian' && distro.codename !== undefined) {
    const release = debianReleaseOf(distro.codename.toLowerCase());
    if (release !== undefined) out.push(release);
  }
  return [...new Set(out)];
}

function hasEnded(eol: string | boolean | undefined, now: Date): boolean {
  if (eol === undefined || eol === false) return false;
  if (eol === true) return true;
  return now.toISOString().slice(0, 10) >= eol;
}
