import {
  apkScheme,
  composerScheme,
  debScheme,
  gemScheme,
  goScheme,
  mavenScheme,
  nugetScheme,
  pep440Scheme,
  rpmScheme,
  semverScheme,
  type RangeSchemes,
  type SchemeName,
  type VersionScheme,
} from '../version/index.js';

const SCHEMES: Record<SchemeName, VersionScheme> = {
  deb: debScheme,
  rpm: rpmScheme,
  apk: apkScheme,
  semver: semverScheme,
  pep440: pep440Scheme,
  maven: mavenScheme,
  gem: gemScheme,
  nuget: nugetScheme,
  composer: composerScheme,
  go: goScheme,
};

export function versionScheme(name: SchemeName): VersionScheme {
  return SCHEMES[name];
}

/** Version parses are memoised inside the schemes themselves (version/version-scheme.ts), so these are plain. */
const RANGE_SCHEMES = Object.fromEntries(
  (Object.keys(SCHEMES) as SchemeName[]).map((name) => [name, { ecosystem: SCHEMES[name], semver: semverScheme }]),
) as Record<SchemeName, RangeSchemes>;

/** The schemes `evaluateOsvAffected` needs for a package of this scheme: its own, and SemVer for `SEMVER` ranges. */
export function rangeSchemes(name: SchemeName): RangeSchemes {
  return RANGE_SCHEMES[name];
}

/** Sort versions in the scheme's order, lowest first; versions it cannot read go last, in text order. Duplicates dropped. */
export function sortVersions(versions: Iterable<string>, name: SchemeName): string[] {
  const scheme = RANGE_SCHEMES[name].ecosystem;
  const unique = [...new Set(versions)];
  return unique.sort((a, b) => {
    const va = scheme.isValid(a);
    const vb = scheme.isValid(b);
    if (va && vb) return scheme.compare(a, b)! || (a < b ? -1 : a > b ? 1 : 0);
    if (va !== vb) return va ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
