/**
 * The (family, name) pair trivy reports for an OS, derived from our Distro. It lets the trivy analyzer fixtures
 * check detection, and names the OS the way trivy-compatible tooling and advisory sources do. Trivy needs a
 * version to scope advisories, so a distro without one has no family here.
 */
import type { Distro } from '../../core/model.js';

export interface TrivyOs {
  /** trivy OSType string: redhat, alma, opensuse-leap, cbl-mariner, … */
  family: string;
  name: string;
}

const familyById: Readonly<Record<string, string>> = {
  alpine: 'alpine',
  bottlerocket: 'bottlerocket',
  'opensuse-tumbleweed': 'opensuse-tumbleweed',
  'opensuse-leap': 'opensuse-leap',
  opensuse: 'opensuse-leap', // Leap 42 writes ID=opensuse
  sles: 'sles',
  'sle-micro': 'slem',
  'sl-micro': 'slem',
  'sle-micro-rancher': 'slem',
  photon: 'photon',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  azurelinux: 'azurelinux',
  mariner: 'cbl-mariner',
  echo: 'echo',
  minimos: 'minimos',
  coreos: 'coreos',
  activestate: 'activestate',
  fedora: 'fedora',
  rhel: 'redhat',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'alma',
  ol: 'oracle',
  amzn: 'amazon',
  debian: 'debian',
  ubuntu: 'ubuntu',
};

export function trivyFamily(distro: Distro | undefined): TrivyOs | undefined {
  if (distro === undefined) return undefined;
  let family = familyById[distro.id];
  if (family === undefined) return undefined;
  if (family === 'centos' && /\bstream\b/iu.test(distro.name ?? '')) family = 'centos-stream';
  const name = trivyName(distro, family);
  return name === undefined ? undefined : { family, name };
}

function trivyName(distro: Distro, family: string): string | undefined {
  if (family === 'amazon' && distro.source.endsWith('system-release') && distro.prettyName !== undefined) {
    // trivy names Amazon Linux by the words after "Amazon Linux" ("AMI release 2018.03") or after
    // "Amazon Linux release" ("2 (Karoo)"), and refuses a release line without a codename.
    const words = distro.prettyName.split(/\s+/u);
    if (words[2] === 'release') return words.length >= 5 ? words.slice(3).join(' ') : undefined;
    return words.length > 2 ? words.slice(2).join(' ') : undefined;
  }
  if (family === 'debian' && distro.source === 'etc/debian_version') return distro.versionId ?? distro.version;
  return distro.versionId;
}
