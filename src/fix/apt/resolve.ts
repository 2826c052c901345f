/**
 * Choose what to install: for each wanted fix the highest candidate at or above the fixed version, then the
 * dependency closure apt would need — Depends/Pre-Depends (alternatives, versions, `:any`, Provides) satisfied by
 * what stays installed or by upgrades/new packages from the repositories; installed packages whose relationships
 * the upgrade breaks (`(= ${binary:Version})` siblings, Breaks/Conflicts, Multi-Arch: same twins) upgraded along.
 * Each wanted fix is resolved as a transaction: if its closure cannot be completed, nothing of it is kept and it
 * is listed as unfixable with the reason. Pure: no I/O, deterministic output.
 */
import { debScheme } from '../../version/index.js';
import type { MultiArch, PackagesIndex, RepoPackage } from './packages-index.js';
import { PlanState, type PlanEntry } from './plan-state.js';
import { archSatisfies, parseProvides, parseRelations, showGroup, showRelation, versionSatisfies, type Relation } from './relations.js';

/** An installed dpkg package (from the image's status database). */
export interface InstalledDeb {
  name: string;
  arch: string;
  version: string;
  source?: string;
  sourceVersion?: string;
  multiArch?: MultiArch;
  depends?: string | readonly string[];
  preDepends?: string | readonly string[];
  provides?: string | readonly string[];
  breaks?: string | readonly string[];
  conflicts?: string | readonly string[];
}

/** Upgrade `name` to at least `minimum`. */
export interface WantedFix {
  /** A binary package name, or a source package name (every installed binary built from it). */
  name: string;
  minimum: string;
  /** How `name` and `minimum` are meant; default: a binary when one of that name is installed, else a source. */
  by?: 'package' | 'source';
  /** Why, for the plan (e.g. the CVE ids). */
  reason?: string;
}

export interface PlannedPackage {
  name: string;
  arch: string;
  /** The installed version; absent for a new package. */
  from?: string;
  to: string;
  source: string;
  sourceVersion: string;
  filename: string;
  sha256: string;
  size: number;
  /** Archive root to fetch `filename` from. */
  archive: string;
  repo: string;
  /** Why it is in the plan: `fixes …`, `needed by …`, `upgraded with …`. */
  reason: string;
}

export interface Unfixable {
  package: string;
  reason: string;
}

export interface ResolvedPlan {
  upgrades: PlannedPackage[];
  newPackages: PlannedPackage[];
  unfixable: Unfixable[];
  /** Wanted packages already at or above the fixed version. */
  alreadyFixed: { package: string; version: string }[];
}

export interface ResolveInput {
  installed: readonly InstalledDeb[];
  wanted: readonly WantedFix[];
  index: PackagesIndex;
  /** The image's dpkg architecture. */
  arch: string;
}


const MAX_STEPS = 100_000;

class Failure extends Error {}

/**
 * Resolve the wanted fixes against the repositories' index.
 * @example resolvePlan({ installed, wanted: [{ name: 'openssl', minimum: '3.0.17-1~deb12u2', by: 'source' }], index, arch: 'amd64' })
 */
export function resolvePlan(input: ResolveInput): ResolvedPlan {
  const native = input.arch;
  const providers = providerIndex(input.index);
  const original = new PlanState(native);
  for (const p of input.installed) original.put({ ...p, multiArch: p.multiArch ?? 'no' });
  let state = original.clone();
  const installedNames = new Set(input.installed.map((p) => p.name));
  const unfixable: Unfixable[] = [];
  const alreadyFixed: ResolvedPlan['alreadyFixed'] = [];
  const wanted = [...input.wanted].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const want of wanted) {
    if (!debScheme.isValid(want.minimum)) {
      unfixable.push({ package: want.name, reason: `the fixed version ${JSON.stringify(want.minimum)} is not a Debian version` });
      continue;
    }
    const bySource = want.by === 'source' || (want.by === undefined && !installedNames.has(want.name));
    const targets = input.installed.filter((p) => (bySource ? (p.source ?? p.name) === want.name : p.name === want.name));
    if (targets.length === 0) {
      unfixable.push({ package: want.name, reason: `no installed ${bySource ? 'binary package built from source' : 'package'} ${want.name}` });
      continue;
    }
    const tx = state.clone();
    const resolver = new Resolver(tx, original, input.index, providers, native);
    const reason = want.reason ?? `fixes ${want.name} (>= ${want.minimum})`;
    const notes: Unfixable[] = [];
    try {
      let started = 0;
      for (const target of targets) {
        const fixedBy = (v: string, sv: string): boolean => (debScheme.compare(bySource ? sv : v, want.minimum) ?? -1) >= 0;
        if (fixedBy(target.version, target.sourceVersion ?? target.version)) {
          alreadyFixed.push({ package: `${target.name}:${target.arch}`, version: target.version });
          continue;
        }
        const current = tx.get(target.name, target.arch);
        if (current.repo !== undefined && fixedBy(current.repo.version, current.repo.sourceVersion)) {
          started++; // an earlier fix already upgraded it far enough
          continue;
        }
        const candidate = resolver.best(target.name, (c) => sameSlot(c.arch, target.arch, native) && fixedBy(c.version, c.sourceVersion) && newer(c.version, current.version));
        if (candidate === undefined) {
          notes.push({ package: `${target.name}:${target.arch}`, reason: noCandidateReason(input.index, target, want, bySource) });
          continue;
        }
        resolver.upgrade(current, candidate, reason);
        started++;
      }
      if (started === 0) {
        unfixable.push(...notes);
        continue;
      }
      resolver.close();
      state = tx;
      unfixable.push(...notes);
    } catch (err) {
      if (!(err instanceof Failure)) throw err;
      unfixable.push({ package: want.name, reason: err.message });
    }
  }
  return finish(state, unfixable, alreadyFixed);
}

function finish(state: PlanState, unfixable: Unfixable[], alreadyFixed: ResolvedPlan['alreadyFixed']): ResolvedPlan {
  const upgrades: PlannedPackage[] = [];
  const newPackages: PlannedPackage[] = [];
  for (const e of state.entries()) {
    if (e.repo === undefined) continue;
    const r = e.repo;
    const planned: PlannedPackage = {
      name: r.name,
      arch: r.arch,
      ...(e.from === undefined ? {} : { from: e.from }),
      to: r.version,
      source: r.source,
      sourceVersion: r.sourceVersion,
      filename: r.filename,
      sha256: r.sha256,
      size: r.size,
      archive: r.archive,
      repo: r.repo,
      reason: e.reason ?? '',
    };
    (e.from === undefined ? newPackages : upgrades).push(planned);
  }
  const order = (a: { name: string; arch?: string }, b: { name: string; arch?: string }) => `${a.name}:${a.arch ?? ''}`.localeCompare(`${b.name}:${b.arch ?? ''}`, 'en');
  return {
    upgrades: upgrades.sort(order),
    newPackages: newPackages.sort(order),
    unfixable: unfixable.sort((a, b) => a.package.localeCompare(b.package, 'en') || a.reason.localeCompare(b.reason, 'en')),
    alreadyFixed: alreadyFixed.sort((a, b) => a.package.localeCompare(b.package, 'en')),
  };
}

function noCandidateReason(index: PackagesIndex, target: InstalledDeb, want: WantedFix, bySource: boolean): string {
  const offered = (index.packages.get(target.name) ?? []).map((c) => (bySource ? c.sourceVersion : c.version));
  const highest = offered.sort((a, b) => debScheme.compare(b, a) ?? 0)[0];
  const what = bySource ? `built from ${want.name} >= ${want.minimum}` : `>= ${want.minimum}`;
  return highest === undefined ? `no repository offers ${target.name} (installed ${target.version}); wanted a version ${what}` : `no repository offers ${target.name} ${what} (the highest offered is ${highest}; installed ${target.version})`;
}

function newer(candidate: string, installed: string): boolean {
  return (debScheme.compare(candidate, installed) ?? -1) > 0;
}

/** Can a package of `candidate` arch replace an installed one of `installed` arch (arch:all ⇄ native allowed)? */
function sameSlot(candidate: string, installed: string, native: string): boolean {
  const norm = (a: string) => (a === 'all' ? native : a);
  return norm(candidate) === norm(installed);
}

function providerIndex(index: PackagesIndex): Map<string, RepoPackage[]> {
  const map = new Map<string, RepoPackage[]>();
  for (const list of index.packages.values()) {
    for (const p of list) {
      if (p.provides === undefined) continue;
      for (const provided of parseProvides(p.provides)) {
        const l = map.get(provided.name);
        if (l === undefined) map.set(provided.name, [p]);
        else l.push(p);
      }
    }
  }
  return map;
}


class Resolver {
  private readonly queue: PlanEntry[] = [];
  private steps = 0;

  constructor(
    private readonly state: PlanState,
    /** The image as it is: relationships already unmet there are not the plan's to fix. */
    private readonly original: PlanState,
    private readonly index: PackagesIndex,
    private readonly providers: Map<string, RepoPackage[]>,
    private readonly native: string,
  ) {}

  /** The highest-versioned repository package of `name` that `accept`s (first repository wins ties). */
  best(name: string, accept: (c: RepoPackage) => boolean): RepoPackage | undefined {
    let best: RepoPackage | undefined;
    for (const c of this.index.packages.get(name) ?? []) {
      if (!accept(c)) continue;
      if (best === undefined || (debScheme.compare(c.version, best.version) ?? 0) > 0) best = c;
    }
    return best;
  }

  upgrade(old: PlanEntry | undefined, candidate: RepoPackage, reason: string): void {
    const relations = [candidate.depends, candidate.preDepends, candidate.breaks, candidate.conflicts].map((f) => parseRelations(f));
    const bad = relations.find((r): r is string => typeof r === 'string');
    if (bad !== undefined) throw new Failure(`${candidate.name} ${candidate.version} from ${candidate.repo}: ${bad}`);
    const from = old === undefined ? undefined : (old.from ?? (old.repo === undefined ? old.version : undefined));
    const entry: PlanEntry = { ...candidate, repo: candidate, reason: old?.reason ?? reason, ...(from === undefined ? {} : { from }) };
    this.state.put(entry);
    this.queue.push(entry);
    // Everything that mentions this package (or what it provided) must be looked at again.
    const names = new Set([candidate.name, ...parseProvides(candidate.provides).map((p) => p.name), ...(old ? parseProvides(old.provides).map((p) => p.name) : [])]);
    for (const e of this.state.entries()) {
      if (e === entry) continue;
      if ([e.depends, e.preDepends, e.breaks, e.conflicts].some((f) => mentions(f, names))) this.queue.push(e);
      else if (e.name === candidate.name && e.multiArch === 'same') this.queue.push(e);
    }
  }

  /** Work the queue until every relationship holds; a Failure names the first that cannot be made to hold. */
  close(): void {
    for (let entry = this.queue.shift(); entry !== undefined; entry = this.queue.shift()) {
      if (++this.steps > MAX_STEPS) throw new Failure(`the dependency closure did not settle after ${MAX_STEPS} steps`);
      const current = this.state.named(entry.name).find((e) => e === entry);
      if (current === undefined) continue; // replaced since it was queued
      this.checkDepends(entry);
      this.checkNegative(entry);
      this.checkTwins(entry);
    }
  }

  private label(e: PlanEntry): string {
    return `${e.name} ${e.version}`;
  }

  private checkDepends(entry: PlanEntry): void {
    for (const field of [entry.preDepends, entry.depends]) {
      const groups = parseRelations(field);
      if (typeof groups === 'string') {
        if (entry.repo !== undefined) throw new Failure(`${this.label(entry)}: ${groups}`);
        continue; // an installed package's unreadable field: dpkg accepted it once; do not block on it
      }
      for (const group of groups) {
        if (group.some((r) => this.satisfied(this.state, r, entry.arch))) continue;
        if (entry.repo === undefined && !group.some((r) => this.satisfied(this.original, r, entry.arch))) continue;
        if (this.satisfyForward(group, entry)) continue;
        if (entry.repo === undefined && this.upgradeDependent(entry, (c) => this.groupHoldsFor(c, group))) continue;
        throw new Failure(`${this.label(entry)} needs ${showGroup(group)}, which neither the image nor any repository provides`);
      }
    }
  }

  /** Does any package in the state satisfy `r` for a depender of `arch`? */
  private satisfied(state: PlanState, r: Relation, arch: string): boolean {
    for (const e of state.named(r.name)) {
      if (archSatisfies(e, r.qualifier, arch, this.native) && versionSatisfies(e.version, r.op, r.version)) return true;
    }
    for (const e of state.providers(r.name)) {
      if (!archSatisfies(e, r.qualifier, arch, this.native)) continue;
      for (const p of parseProvides(e.provides)) {
        if (p.name !== r.name) continue;
        if (r.op === undefined || (p.version !== undefined && versionSatisfies(p.version, r.op, r.version))) return true;
      }
    }
    return false;
  }


  /** Satisfy one alternative from the repositories: upgrade what is there, else add a package, else a provider. */
  private satisfyForward(group: readonly Relation[], depender: PlanEntry): boolean {
    const why = `needed by ${depender.name}`;
    for (const r of group) {
      const fits = (c: RepoPackage): boolean => archSatisfies(c, r.qualifier, depender.arch, this.native) && versionSatisfies(c.version, r.op, r.version);
      const present = this.state.named(r.name);
      if (present.length > 0) {
        for (const e of present) {
          const c = this.best(r.name, (c) => fits(c) && sameSlot(c.arch, e.arch, this.native) && newer(c.version, e.version));
          if (c !== undefined) {
            this.upgrade(e, c, why);
            return true;
          }
        }
        continue;
      }
      const c = this.best(r.name, fits);
      if (c !== undefined) {
        this.upgrade(undefined, c, why);
        return true;
      }
    }
    for (const r of group) {
      const offered = (this.providers.get(r.name) ?? [])
        .filter((c) => archSatisfies(c, r.qualifier, depender.arch, this.native))
        .filter((c) => parseProvides(c.provides).some((p) => p.name === r.name && (r.op === undefined || (p.version !== undefined && versionSatisfies(p.version, r.op, r.version)))))
        .filter((c) => this.state.named(c.name).every((e) => newer(c.version, e.version)))
        .sort((a, b) => a.name.localeCompare(b.name, 'en') || (debScheme.compare(b.version, a.version) ?? 0));
      const c = offered[0];
      if (c !== undefined) {
        const present = this.state.named(c.name).find((e) => sameSlot(c.arch, e.arch, this.native));
        this.upgrade(present, c, why);
        return true;
      }
    }
    return false;
  }

  /** Would candidate `c` (a newer version of an installed dependent) have `group` satisfied now? */
  private groupHoldsFor(c: RepoPackage, group: readonly Relation[]): boolean {
    const groups = parseRelations([c.preDepends, c.depends].filter((f): f is string => f !== undefined));
    if (typeof groups === 'string') return false;
    const names = new Set(group.map((r) => r.name));
    return groups.filter((g) => g.some((r) => names.has(r.name))).every((g) => g.some((r) => this.satisfied(this.state, r, c.arch)));
  }

  /** Upgrade an installed package the plan would otherwise break, to its highest version that `accept`s. */
  private upgradeDependent(entry: PlanEntry, accept: (c: RepoPackage) => boolean): boolean {
    const c = this.best(entry.name, (c) => sameSlot(c.arch, entry.arch, this.native) && newer(c.version, entry.version) && accept(c));
    if (c === undefined) return false;
    this.upgrade(entry, c, `upgraded with its dependencies`);
    return true;
  }

  /** Breaks/Conflicts of `entry` against the state, and of the state against `entry`. */
  private checkNegative(entry: PlanEntry): void {
    for (const field of [entry.breaks, entry.conflicts]) {
      const groups = parseRelations(field);
      if (typeof groups === 'string') continue;
      for (const r of groups.flat()) {
        for (const victim of this.state.named(r.name)) {
          if (victim === entry || !archSatisfies(victim, r.qualifier, entry.arch, this.native) || !versionSatisfies(victim.version, r.op, r.version)) continue;
          // The broken package must move to a version outside the relation; the breaker cannot move back.
          if (victim.repo === undefined && this.upgradeDependent(victim, (c) => !versionSatisfies(c.version, r.op, r.version))) continue;
          throw new Failure(`${this.label(entry)} breaks ${this.label(victim)} (${showRelation(r)}) and no repository has a version of ${victim.name} it accepts`);
        }
      }
    }
  }

  /** Multi-Arch: same packages of one name must have one version across architectures. */
  private checkTwins(entry: PlanEntry): void {
    if (entry.multiArch !== 'same') return;
    for (const twin of this.state.named(entry.name)) {
      if (twin === entry || twin.version === entry.version) continue;
      if ((debScheme.compare(twin.version, entry.version) ?? 0) > 0) continue; // the twin is newer: it is processed itself
      const c = this.best(twin.name, (c) => sameSlot(c.arch, twin.arch, this.native) && c.version === entry.version);
      if (c === undefined) throw new Failure(`${entry.name}:${twin.arch} must move to ${entry.version} with ${entry.name}:${entry.arch} (Multi-Arch: same), and no repository has it`);
      this.upgrade(twin, c, `upgraded with ${entry.name}:${entry.arch}`);
    }
  }
}

function mentions(field: string | readonly string[] | undefined, names: ReadonlySet<string>): boolean {
  if (field === undefined) return false;
  const groups = parseRelations(field);
  return typeof groups !== 'string' && groups.some((g) => g.some((r) => names.has(r.name)));
}

