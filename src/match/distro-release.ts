/**
 * Which release-scoped advisory ecosystem an OS package of the image belongs to, in OSV's spelling: a Debian 12
 * advisory never applies to Debian 11, an Alpine v3.20 secfix never to v3.19.
 */
import type { Distro } from '../core/model.js';

/** Debian codenames → release numbers, for images whose os-release has no VERSION_ID (testing). */
const DEBIAN_CODENAMES: Readonly<Record<string, string>> = {
  buzz: '1.1',
  rex: '1.2',
  bo: '1.3',
  hamm: '2.0',
  slink: '2.1',
  potato: '2.2',
  woody: '3.0',
  sarge: '3.1',
  etch: '4',
  lenny: '5',
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
};

/** The release number of a Debian codename, or undefined (`sid`, unknown names). */
export function debianReleaseOf(codename: string): string | undefined {
  return Object.hasOwn(DEBIAN_CODENAMES, codename) ? DEBIAN_CODENAMES[codename] : undefined;
}

export interface ReleaseOptions {
  /** Also look up Ubuntu Pro (ESM) advisories, `Ubuntu:Pro:22.04:LTS`. */
  ubuntuPro?: boolean;
}

export type ReleaseEcosystems = { ecosystems: string[] } | { reason: string };

/**
 * The advisory ecosystems for a package kind on this distro:
 * - dpkg on Debian → `Debian:<major of VERSION_ID>`; without VERSION_ID (testing) the codename through the table
 *   above; sid → none (unstable has no release-scoped advisories);
 * - dpkg on Ubuntu → `Ubuntu:<22.04>:LTS` for LTS releases (even year, `.04`), `Ubuntu:<23.10>` otherwise; with
 *   `ubuntuPro` also `Ubuntu:Pro:<22.04>:LTS`;
 * - apk on Alpine → `Alpine:v<major>.<minor>`; edge (a `_alpha`/`_beta`/`_rc` VERSION_ID or "edge" in the name) → none;
 * - rpm: no feed yet → none.
 */
export function releaseEcosystems(kind: 'deb' | 'apk' | 'rpm', distro: Distro | undefined, options: ReleaseOptions = {}): ReleaseEcosystems {
  if (kind === 'rpm') return { reason: `rpm packages are not matched: grout has no rpm advisory feed yet${distro ? ` (distro ${distro.id})` : ''}` };
  if (distro === undefined) return { reason: `${kind} packages are not matched: the image's distro release is unknown (no os-release)` };
  if (kind === 'deb') {
    if (distro.id === 'debian') return debianEcosystem(distro);
    if (distro.id === 'ubuntu') return ubuntuEcosystems(distro, options);
    return { reason: `deb packages on ${distro.id} are not matched: no advisory feed for that distro` };
  }
  if (distro.id === 'alpine') return alpineEcosystem(distro);
  return { reason: `apk packages on ${distro.id} are not matched: no advisory feed for that distro` };
}

function debianEcosystem(distro: Distro): ReleaseEcosystems {
  const major = distro.versionId?.match(/^(\d+)/)?.[1];
  if (major !== undefined) return { ecosystems: [`Debian:${Number(major)}`] };
  const codename = distro.codename?.toLowerCase();
  if (codename === 'sid') return { reason: 'deb packages are not matched: Debian unstable (sid) has no release-scoped advisories' };
  const release = codename === undefined ? undefined : debianReleaseOf(codename);
  if (release !== undefined) return { ecosystems: [`Debian:${release}`] };
  return { reason: `deb packages are not matched: Debian release unknown (no VERSION_ID, codename ${codename === undefined ? 'missing' : JSON.stringify(codename)})` };
}

function ubuntuEcosystems(distro: Distro, options: ReleaseOptions): ReleaseEcosystems {
  const m = distro.versionId?.match(/^(\d{2})\.(\d{2})/);
  if (!m) return { reason: `deb packages are not matched: Ubuntu VERSION_ID ${JSON.stringify(distro.versionId ?? '')} is not YY.MM` };
  const [, year, month] = m as unknown as [string, string, string];
  const release = `${year}.${month}`;
  const lts = month === '04' && Number(year) % 2 === 0;
  const ecosystems = [lts ? `Ubuntu:${release}:LTS` : `Ubuntu:${release}`];
  if (options.ubuntuPro === true && lts) ecosystems.push(`Ubuntu:Pro:${release}:LTS`);
  return { ecosystems };
}

function alpineEcosystem(distro: Distro): ReleaseEcosystems {
  const versionId = distro.versionId ?? '';
  const edge = /_(alpha|beta|rc|pre)/.test(versionId) || /\bedge\b/i.test(distro.prettyName ?? '') || /\bedge\b/i.test(distro.version ?? '');
  if (edge) return { reason: 'apk packages are not matched: Alpine edge has no release-scoped advisories' };
  const m = versionId.match(/^(\d+)\.(\d+)/);
  if (!m) return { reason: `apk packages are not matched: Alpine VERSION_ID ${JSON.stringify(versionId)} is not major.minor` };
  return { ecosystems: [`Alpine:v${Number(m[1])}.${Number(m[2])}`] };
}
