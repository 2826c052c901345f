/**
 * The package set a plan leads to: installed packages, replaced or joined by repository ones, indexed by name and
 * by what they provide. Keys are `name:arch` with `all` counted as the native architecture (dpkg's rule).
 */
import type { MultiArch, RepoPackage } from './packages-index.js';
import { parseProvides } from './relations.js';

export interface PlanEntry {
  name: string;
  arch: string;
  version: string;
  multiArch: MultiArch;
  depends?: string | readonly string[] | undefined;
  preDepends?: string | readonly string[] | undefined;
  provides?: string | readonly string[] | undefined;
  breaks?: string | readonly string[] | undefined;
  conflicts?: string | readonly string[] | undefined;
  /** Set when the entry comes from a repository in this plan. */
  repo?: RepoPackage;
  /** The installed version it replaces. */
  from?: string;
  reason?: string;
}

export class PlanState {
  private readonly byKey = new Map<string, PlanEntry>();
  private readonly byName = new Map<string, Set<string>>();
  private readonly byProvided = new Map<string, Set<string>>();

  constructor(readonly native: string) {}

  key(name: string, arch: string): string {
    return `${name}:${arch === 'all' ? this.native : arch}`;
  }

  put(entry: PlanEntry): void {
    const key = this.key(entry.name, entry.arch);
    const old = this.byKey.get(key);
    if (old !== undefined) for (const p of parseProvides(old.provides)) this.byProvided.get(p.name)?.delete(key);
    this.byKey.set(key, entry);
    add(this.byName, entry.name, key);
    for (const p of parseProvides(entry.provides)) add(this.byProvided, p.name, key);
  }

  /** Entries whose Provides name `name`. */
  providers(name: string): PlanEntry[] {
    return [...(this.byProvided.get(name) ?? [])].map((k) => this.byKey.get(k)).filter((e): e is PlanEntry => e !== undefined);
  }

  get(name: string, arch: string): PlanEntry {
    const e = this.byKey.get(this.key(name, arch));
    if (e === undefined) throw new Error(`internal: ${name}:${arch} is not in the state`);
    return e;
  }

  named(name: string): PlanEntry[] {
    return [...(this.byName.get(name) ?? [])].map((k) => this.byKey.get(k)).filter((e): e is PlanEntry => e !== undefined);
  }

  entries(): PlanEntry[] {
    return [...this.byKey.values()];
  }

  clone(): PlanState {
    const copy = new PlanState(this.native);
    for (const e of this.byKey.values()) copy.put(e);
    return copy;
  }
}

function add(map: Map<string, Set<string>>, name: string, key: string): void {
  let keys = map.get(name);
  if (keys === undefined) map.set(name, (keys = new Set()));
  keys.add(key);
}
