/**
 * BusyBox-only images (busybox:latest) have no release file; the binary carries a banner such as
 * `BusyBox v1.36.1 (2023-07-27 17:12:24 UTC)`. Checked last: most distros ship BusyBox too.
 */
import type { Distro } from '../../core/model.js';

/** Bytes of the binary scanned for the banner: a static BusyBox is about 1–2 MiB. */
export const maxBusyBoxScanBytes = 4 * 1024 * 1024;

const marker = Buffer.from('BusyBox v', 'latin1');

export function distroFromBusyBox(bytes: Buffer, source: string): Distro | undefined {
  const scanned = bytes.subarray(0, Math.min(bytes.length, maxBusyBoxScanBytes));
  let from = 0;
  while (from < scanned.length) {
    const at = scanned.indexOf(marker, from);
    if (at === -1) return undefined;
    const start = at + marker.length;
    let end = start;
    while (end < scanned.length && end - start < 32 && isVersionByte(scanned[end]!)) end += 1;
    const version = scanned.subarray(start, end).toString('latin1').replace(/\.+$/u, '');
    if (/^\d+(?:\.\d+)*$/u.test(version)) {
      return { id: 'busybox', versionId: version, version, name: 'busybox', prettyName: `BusyBox v${version}`, idLike: ['busybox'], source };
    }
    from = start;
  }
  return undefined;
}

function isVersionByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2e;
}
