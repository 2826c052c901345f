/**
 * One finding per vulnerability per package: the advisories that matched a package are grouped by the ids they
 * share (their id and aliases), with union-find.
 *
 * - An advisory that names **several CVEs** (a DSA, a USN, the odd GHSA) is split: one member per CVE, keyed by
 *   that CVE alone, carrying the advisory's own id as an alias. So a DSA fixing three CVEs gives three findings,
 *   each listing the DSA, and the DSA id never joins unrelated CVEs together.
 * - A wrapper id that embeds its CVE (`UBUNTU-CVE-2016-20013`, `DEBIAN-CVE-2023-1234`) is keyed by that CVE too.
 * - A distro notice or wrapper (DSA, DLA, USN, UBUNTU-CVE…) names the vulnerabilities it is about in OSV
 *   `upstream`/`related` (USN-5614-1 → UBUNTU-CVE-2021-3782; UBUNTU-CVE-2021-3782 → CVE-2021-3782): for those
 *   advisories the CVE and CVE-wrapper ids among `related` count as aliases. Other advisories' `related` ids are
 *   only related, never merged.
 * - The finding id is the group's CVE when it has exactly one. Otherwise (none, or advisories that disagree on
 *   aliases and chain two CVEs together) it is chosen by a fixed preference: the oldest CVE (by year, then
 *   number); else a GHSA id; else an ecosystem database id (PYSEC, GO, RUSTSEC, MAL…); else a distro id (DSA, DLA,
 *   USN, ALPINE…); ties in text order.
 */

const CVE = /^CVE-(\d{4})-(\d+)$/;
const WRAPPED_CVE = /^[A-Z][A-Z0-9]*-(CVE-\d{4}-\d+)$/;
const DISTRO_PREFIXES = ['DSA-', 'DLA-', 'DTSA-', 'USN-', 'UBUNTU-', 'DEBIAN-', 'ALPINE-', 'ALSA-', 'RHSA-', 'LSN-'];

export interface VulnerabilityIds {
  id: string;
  aliases: readonly string[];
  related?: readonly string[];
}

/** One member of a group: the ids that join it to others, and ids it only carries along. */
export interface GroupMember<T> {
  item: T;
  keys: string[];
  carried: string[];
}

export interface AliasGroup<T> {
  /** The finding id (see the rule above). */
  id: string;
  /** Every other id of the group, sorted. */
  aliases: string[];
  /** Every CVE id of the group, sorted. */
  cves: string[];
  members: GroupMember<T>[];
}

/** The members an advisory contributes: one, or one per CVE when it names several. */
export function membersOf<T>(item: T, ids: VulnerabilityIds): GroupMember<T>[] {
  const fromRelated = isDistroId(ids.id) ? (ids.related ?? []).filter((r) => CVE.test(r) || WRAPPED_CVE.test(r)) : [];
  const all = [...new Set([ids.id, ...ids.aliases, ...fromRelated])];
  const withWrapped = [...all];
  for (const id of all) {
    const m = WRAPPED_CVE.exec(id);
    if (m?.[1] !== undefined && !withWrapped.includes(m[1])) withWrapped.push(m[1]);
  }
  const cves = withWrapped.filter((id) => CVE.test(id));
  if (cves.length < 2) return [{ item, keys: withWrapped, carried: [] }];
  const others = withWrapped.filter((id) => !CVE.test(id));
  return cves.map((cve) => ({ item, keys: [cve], carried: others }));
}

/** Group members that share any key; groups and members in a stable order. */
export function groupByAliases<T>(members: readonly GroupMember<T>[]): AliasGroup<T>[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps later look-ups short.
    let node = x;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const m of members) for (const k of m.keys) if (!parent.has(k)) parent.set(k, k);
  for (const m of members) for (const k of m.keys.slice(1)) union(m.keys[0]!, k);

  const byRoot = new Map<string, GroupMember<T>[]>();
  for (const m of members) {
    if (m.keys.length === 0) continue;
    const root = find(m.keys[0]!);
    const list = byRoot.get(root);
    if (list) list.push(m);
    else byRoot.set(root, [m]);
  }
  const groups: AliasGroup<T>[] = [];
  for (const list of byRoot.values()) {
    const ids = new Set<string>();
    for (const m of list) for (const id of [...m.keys, ...m.carried]) ids.add(id);
    const keyIds = new Set(list.flatMap((m) => m.keys));
    const id = chooseId([...keyIds]);
    groups.push({
      id,
      aliases: [...ids].filter((x) => x !== id).sort(),
      cves: [...keyIds].filter((x) => CVE.test(x)).sort(compareIds),
      members: list,
    });
  }
  return groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The finding id among a group's ids (see the module comment). */
export function chooseId(ids: readonly string[]): string {
  const sorted = [...ids].sort(compareIds);
  if (sorted[0] === undefined) throw new Error('chooseId needs at least one id');
  return sorted[0];
}

function isDistroId(id: string): boolean {
  return DISTRO_PREFIXES.some((p) => id.startsWith(p));
}

function rank(id: string): number {
  if (CVE.test(id)) return 0;
  if (id.startsWith('GHSA-')) return 1;
  if (isDistroId(id)) return 3;
  return 2;
}

function compareIds(a: string, b: string): number {
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  const ca = CVE.exec(a);
  const cb = CVE.exec(b);
  if (ca && cb) return Number(ca[1]) - Number(cb[1]) || Number(ca[2]) - Number(cb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}
