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

/**
 * Matching compares the same pairs over and over: one installed version against the `versions[]` list of every
 * advisory of its package, and those lists repeat the same releases (jackson-databind's 69 advisories list the
 * same ~200 versions). The schemes parse on every call, so their answers are memoised here, per pair, in a
 * bounded map that is simply dropped when full. Same inputs, same answers: still pure.
 */
const MEMO_LIMIT = 200_000;

function memoised(scheme: VersionScheme): VersionScheme {
  const compared = new Map<string, number | undefined>();
  const valid = new Map<string, boolean>();
  return {
    name: scheme.name,
    isValid(version) {
      let v = valid.get(version);
      if (v === undefined) {
        if (valid.size >= MEMO_LIMIT) valid.clear();
        v = scheme.isValid(version);
        valid.set(version, v);
      }
      return v;
    },
    compare(a, b) {
      const key = `${a}\u0000${b}`;
      if (compared.has(key)) return compared.get(key);
      if (compared.size >= MEMO_LIMIT) compared.clear();
      const c = scheme.compare(a, b);
      compared.set(key, c);
      return c;
    },
  };
}

const RANGE_SCHEMES = Object.fromEntries(
  (Object.keys(SCHEMES) as SchemeName[]).map((name) => [name, { ecosystem: memoised(SCHEMES[name]), semver: memoised(semverScheme) }]),
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
