/**
 * One-line release files of the Red Hat family and Amazon Linux: `etc/redhat-release`, `etc/centos-release`,
 * `etc/rocky-release`, `etc/almalinux-release`, `etc/oracle-release`, `etc/fedora-release`, `etc/system-release`
 * and `usr/lib/system-release`. The line is `<name> release <version>[ (<codename>)]`:
 *   CentOS Linux release 7.6.1810 (Core) · Red Hat Enterprise Linux release 8.10 (Ootpa) ·
 *   Oracle Linux Server release 7.6 · Amazon Linux release 2 (Karoo) · Amazon Linux AMI release 2018.03
 */
import type { Distro } from '../../core/model.js';
import { makeDistro, firstLine } from './text.js';

const linePattern = /^(\S.{0,200}?)\s+release\s+(\d+(?:\.\d+)*)\b(.{0,200})$/u;

/** Name prefix (lower case) → os-release ID the same distro writes, longest prefixes first. */
const idByName: readonly (readonly [string, string])[] = [
  ['red hat', 'rhel'],
  ['centos', 'centos'],
  ['rocky', 'rocky'],
  ['almalinux', 'almalinux'],
  ['alma linux', 'almalinux'],
  ['oracle linux', 'ol'],
  ['enterprise linux enterprise linux', 'ol'], // Oracle Linux 5: "Enterprise Linux Enterprise Linux Server release 5.8"
  ['fedora', 'fedora'],
  ['scientific linux', 'scientific'],
  ['amazon linux', 'amzn'],
  ['cbl-mariner', 'mariner'],
  ['euleros', 'euleros'],
  ['openeuler', 'openeuler'],
  ['virtuozzo', 'virtuozzo'],
  ['cloudlinux', 'cloudlinux'],
];

/** Clones that `redhat-release` identifies: advisories of RHEL are the fallback for them (as syft adds `rhel`). */
const notRhelClones = new Set(['rhel', 'fedora', 'amzn', 'mariner', 'openeuler', 'euleros']);

function idFor(name: string): string {
  const lower = name.toLowerCase();
  for (const [prefix, id] of idByName) if (lower.startsWith(prefix)) return id;
  return lower.replace(/[^a-z0-9._-]+/gu, '-').replace(/^-+|-+$/gu, '').slice(0, 64) || 'unknown';
}

/** Identity from a `<name> release <version> (<codename>)` line; undefined when the text has no such line. */
export function distroFromReleaseLine(text: string, source: string): Distro | undefined {
  const line = firstLine(text);
  const match = linePattern.exec(line);
  if (match === null) return undefined;
  const name = match[1]!.trim();
  const versionId = match[2]!;
  const rest = (match[3] ?? '').trim();
  const id = idFor(name);
  // CentOS writes "(Core)"/"(Final)", which are not codenames; syft drops them from VERSION likewise.
  const version = id === 'centos' || rest === '' ? versionId : `${versionId} ${rest}`;
  const idLike = notRhelClones.has(id) ? [id] : [id, 'rhel'];
  return makeDistro({ id, versionId, version, name, prettyName: line, idLike, source });
}
