/**
 * Package names as the store indexes them. Ecosystems whose names are case- or separator-insensitive are folded
 * the way their registries fold them, so `Flask`, `flask` and `FLASK` find the same advisories.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  switch (baseEcosystem(ecosystem)) {
    case 'PyPI':
      // PEP 503: runs of -, _ and . are one -, case-insensitive.
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
    case 'crates.io':
      return name.toLowerCase();
    default:
      return name;
  }
}

/** `Debian:12` → `Debian`, `Ubuntu:Pro:16.04:LTS` → `Ubuntu`, `npm` → `npm`. */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon === -1 ? ecosystem : ecosystem.slice(0, colon);
}
