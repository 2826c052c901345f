/**
 * Which distribution an image is, from the files it carries. Precedence follows syft: os-release (`etc/`, then
 * `usr/lib/`) first; then the distro-specific release files; BusyBox's banner last. Debian's point release from
 * `etc/debian_version` refines os-release's major-only VERSION_ID.
 */
import type { Distro } from '../../core/model.js';
import type { FileView } from '../extractor.js';
import { distroFromBusyBox } from './busybox.js';
import { distroFromDebianVersion, withDebianPointRelease } from './debian-version.js';
import { distroFromOsRelease } from './os-release.js';
import {
  distroFromAlpineRelease,
  distroFromLsbRelease,
  distroFromPhotonRelease,
  distroFromSuseRelease,
  distroFromSystemReleaseCpe,
} from './release-files.js';
import { distroFromReleaseLine } from './release-line.js';
import { readText } from './text.js';

type TextParser = (text: string, source: string) => Distro | undefined;

const debianVersionPath = 'etc/debian_version';
const busyBoxPath = 'bin/busybox';

/** Text sources after os-release, in order. Vendor files before the generic redhat-release/system-release. */
const fallbacks: readonly (readonly [string, TextParser])[] = [
  ['etc/centos-release', distroFromReleaseLine],
  ['etc/rocky-release', distroFromReleaseLine],
  ['etc/almalinux-release', distroFromReleaseLine],
  ['etc/oracle-release', distroFromReleaseLine],
  ['etc/fedora-release', distroFromReleaseLine],
  ['etc/redhat-release', distroFromReleaseLine],
  ['etc/system-release', distroFromReleaseLine],
  ['usr/lib/system-release', distroFromReleaseLine],
  // After redhat-release: on CentOS 6 both exist and the release line has the minor version.
  ['etc/system-release-cpe', distroFromSystemReleaseCpe],
  ['etc/SuSE-release', distroFromSuseRelease],
  ['etc/photon-release', distroFromPhotonRelease],
  // Before debian_version: Ubuntu has both, and its debian_version names the Debian it derives from.
  ['etc/lsb-release', distroFromLsbRelease],
  [debianVersionPath, distroFromDebianVersion],
  ['etc/alpine-release', distroFromAlpineRelease],
];

const osReleasePaths = ['etc/os-release', 'usr/lib/os-release'] as const;

const wanted = new Set<string>([...osReleasePaths, ...fallbacks.map(([path]) => path), busyBoxPath]);

/** The paths the detector reads: the single pass over the layers buffers these (no leading slash). */
export function distroWants(path: string): boolean {
  return wanted.has(path);
}

/**
 * Detect the distribution in a view of the image. Pure; never throws on hostile bytes.
 *
 * @example
 * detectDistro(viewOfFiles({ 'etc/os-release': 'ID=alpine\nVERSION_ID=3.19.1\n' }))
 * // → { id: 'alpine', versionId: '3.19.1', source: 'etc/os-release' }
 */
export function detectDistro(view: FileView): Distro | undefined {
  const found = identify(view);
  if (found === undefined) return undefined;
  return withDebianPointRelease(found, readText(view, debianVersionPath));
}

function identify(view: FileView): Distro | undefined {
  // An os-release without ID= still names a distro (the spec's default ID=linux) but says less than any
  // distro-specific file, so it is kept only when nothing else identifies the image.
  let weak: Distro | undefined;
  for (const path of osReleasePaths) {
    const text = readText(view, path);
    if (text === undefined) continue;
    const result = distroFromOsRelease(text, path);
    if (result === undefined) continue;
    if (!result.defaultedId) return result.distro;
    weak ??= result.distro;
  }
  for (const [path, parse] of fallbacks) {
    const text = readText(view, path);
    if (text === undefined) continue;
    const distro = parse(text, path);
    if (distro !== undefined) return distro;
  }
  if (weak !== undefined) return weak;
  const busybox = view.read(busyBoxPath);
  return busybox === undefined ? undefined : distroFromBusyBox(busybox, busyBoxPath);
}
