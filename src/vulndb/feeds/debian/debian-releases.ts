/**
 * Debian release codenames and the numbers OSV uses for them in the `Debian:<number>` ecosystem
 * (https://www.debian.org/releases/). Releases before 7 were numbered with a minor part (woody is 3.0), and OSV's
 * Debian records keep that form. `sid` and `experimental` have no number: they are not releases.
 */
const RELEASE_NUMBERS: ReadonlyMap<string, string> = new Map([
  ['potato', '2.2'],
  ['woody', '3.0'],
  ['sarge', '3.1'],
  ['etch', '4.0'],
  ['lenny', '5.0'],
  ['squeeze', '6.0'],
  ['wheezy', '7'],
  ['jessie', '8'],
  ['stretch', '9'],
  ['buster', '10'],
  ['bullseye', '11'],
  ['bookworm', '12'],
  ['trixie', '13'],
  ['forky', '14'],
  ['duke', '15'],
]);

/**
 * The release number of a Debian codename, or undefined when the codename is not a numbered release.
 * @example debianReleaseNumber('bookworm') // '12'
 */
export function debianReleaseNumber(codename: string): string | undefined {
  return RELEASE_NUMBERS.get(codename.toLowerCase());
}

/**
 * The OSV ecosystem of a Debian codename (`Debian:12`), or undefined when the codename is not a numbered release.
 * @example debianEcosystem('bullseye') // 'Debian:11'
 */
export function debianEcosystem(codename: string): string | undefined {
  const number = debianReleaseNumber(codename);
  return number === undefined ? undefined : `Debian:${number}`;
}

/** Orders `Debian:<number>` ecosystems by release number (3.0 before 11), then by text. */
export function compareDebianEcosystems(a: string, b: string): number {
  const left = Number.parseFloat(a.slice(a.indexOf(':') + 1));
  const right = Number.parseFloat(b.slice(b.indexOf(':') + 1));
  if (Number.isFinite(left) && Number.isFinite(right) && left !== right) return left - right;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A Debian source package name as policy allows it (§5.6.1), bounded for hostile input. */
export function isDebianSourceName(name: string): boolean {
  return name.length >= 2 && name.length <= 200 && /^[a-z0-9][a-z0-9+.-]+$/.test(name);
}
