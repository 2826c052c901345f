/**
 * The semantic version of a Go toolchain, as Go advisories name the standard library (`stdlib` in the Go
 * vulnerability database): `go1.22.3` → `v1.22.3`, `go1.22` → `v1.22.0`, `go1.21rc2` → `v1.21.0-rc.2`,
 * `go1.19beta1` → `v1.19.0-beta.1`. Anything after the release (` X:boringcrypto`, `-custom`) is dropped.
 * Undefined for development toolchains (`devel go1.23-abc…`), which are no release.
 */
export function goToolchainSemver(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?=$|[\s+-])/.exec(goVersion);
  if (!m) return undefined;
  const [, major, minor, patch, pre, preNumber] = m;
  const base = `v${Number(major)}.${Number(minor)}.${Number(patch ?? 0)}`;
  return pre ? `${base}-${pre}.${Number(preNumber)}` : base;
}
