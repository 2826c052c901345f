/**
 * The ecosystem names the OSV schema defines (https://ossf.github.io/osv-schema/#defined-ecosystems, as of schema
 * 1.7). An `affected[].package.ecosystem` is `<name>` or `<name>:<suffix>` (`Debian:12`, `Ubuntu:Pro:16.04:LTS`,
 * `Alpine:v3.20`). Records whose packages are all in other ecosystems are skipped: nothing grout inventories can
 * match them, and an unknown name is more often a typo than a new ecosystem.
 */
const OSV_ECOSYSTEMS: ReadonlySet<string> = new Set([
  'AlmaLinux',
  'Alpaquita',
  'Alpine',
  'Android',
  'Azure Linux',
  'BellSoft Hardened Containers',
  'Bioconductor',
  'Bitnami',
  'Chainguard',
  'CleanStart',
  'ConanCenter',
  'CRAN',
  'crates.io',
  'Debian',
  'Docker Hardened Images',
  'Echo',
  'FreeBSD',
  'GHC',
  'GIT',
  'GitHub Actions',
  'Go',
  'Hackage',
  'Hex',
  'Julia',
  'Kubernetes',
  'Linux',
  'Mageia',
  'Maven',
  'MinimOS',
  'npm',
  'NuGet',
  'opam',
  'openEuler',
  'openSUSE',
  'OSS-Fuzz',
  'Packagist',
  'Photon OS',
  'Pub',
  'PyPI',
  'Red Hat',
  'Rocky Linux',
  'Root',
  'RubyGems',
  'SUSE',
  'SwiftURL',
  'Ubuntu',
  'VSCode',
  'Wolfi',
]);

/** Is `ecosystem` (with or without a `:release` suffix) one the OSV schema defines? */
export function isKnownOsvEcosystem(ecosystem: string): boolean {
  const colon = ecosystem.indexOf(':');
  const base = colon === -1 ? ecosystem : ecosystem.slice(0, colon);
  if (!OSV_ECOSYSTEMS.has(base)) return false;
  // A suffix, when present, must say something (`Debian:` is malformed).
  return colon === -1 || colon < ecosystem.length - 1;
}
