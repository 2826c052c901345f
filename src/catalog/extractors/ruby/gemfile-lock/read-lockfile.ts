/**
 * Reads Bundler's `Gemfile.lock` (also `gems.locked`): the `specs:` of every GEM, GIT and PATH source, each gem's
 * dependency names, and the DEPENDENCIES of the Gemfile (the direct ones). PLATFORMS, RUBY VERSION, BUNDLED WITH
 * and CHECKSUMS are ignored. Indentation is the syntax: 2 spaces for a source's keys, 4 for a spec, 6 for a spec's
 * dependency — https://github.com/rubygems/rubygems/blob/master/bundler/lib/bundler/lockfile_parser.rb
 */

export interface LockedGem {
  name: string;
  /** The version without the platform suffix (`1.13.6` of `1.13.6-x86_64-linux`). */
  version: string;
  /** The platform, when the spec is platform-specific. */
  platform?: string;
  /** GEM, GIT or PATH. */
  source: 'GEM' | 'GIT' | 'PATH' | 'PLUGIN SOURCE';
  /** For GIT and PATH sources: the remote (with `#revision` for git). */
  remote?: string;
  dependencies: string[];
}

export interface Lockfile {
  gems: LockedGem[];
  /** Names in DEPENDENCIES, or undefined when the lock has no such section. */
  direct: Set<string> | undefined;
  /** Recognised section headers; none means the file is not a Gemfile.lock. */
  sections: number;
}

const sourceSections = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
const maxGems = 100_000;
const maxDependenciesPerGem = 4096;
const maxNameLength = 256;
// Gem names are letters, digits, `.`, `-` and `_`.
const gemName = /^[A-Za-z0-9._-]+$/;
// A locked version (the platform split off): Gem::Version's characters, bounded.
const gemVersion = /^[0-9][0-9A-Za-z.]{0,127}$/;

/** `name (version[-platform])`, `name (>= 1, < 2)`, `name`, `name!`: the name and the parenthesised part. */
function nameAndParen(raw: string): { name: string; paren: string | undefined } | undefined {
  // A gem pinned to a GIT or PATH source is written `name!` or `name (>= 1)!` in DEPENDENCIES.
  const text = raw.endsWith('!') ? raw.slice(0, -1) : raw;
  const open = text.indexOf(' (');
  let name = open < 0 ? text : text.slice(0, open);
  let paren: string | undefined;
  if (open >= 0) {
    if (!text.endsWith(')')) return undefined;
    paren = text.slice(open + 2, -1);
  }
  if (name.endsWith('!')) name = name.slice(0, -1);
  if (name === '' || name.length > maxNameLength || !gemName.test(name)) return undefined;
  return { name, paren };
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  return i;
}

export function readLockfile(text: string): Lockfile {
  const gems: LockedGem[] = [];
  let direct: Set<string> | undefined;
  let sections = 0;
  let section: string | undefined;
  let remote: string | undefined;
  let revision: string | undefined;
  let inSpecs = false;
  let current: LockedGem | undefined;
  const pending: LockedGem[] = [];

  const flushSource = (): void => {
    // A source's remote and revision may follow its specs in old lockfiles, so they are applied when it ends.
    for (const gem of pending) {
      if (gem.source === 'GIT' || gem.source === 'PATH') {
        const where = remote === undefined ? undefined : gem.source === 'GIT' && revision !== undefined ? `${remote}#${revision}` : remote;
        if (where !== undefined) gem.remote = where;
      }
    }
    pending.length = 0;
    remote = undefined;
    revision = undefined;
    inSpecs = false;
    current = undefined;
  };

  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const indent = indentOf(line);
    if (indent === 0) {
      flushSource();
      section = line.trim();
      if (sourceSections.has(section) || section === 'DEPENDENCIES' || section === 'PLATFORMS' || section === 'BUNDLED WITH' || section === 'RUBY VERSION' || section === 'CHECKSUMS') {
        sections++;
      }
      if (section === 'DEPENDENCIES') direct = new Set();
      continue;
    }
    const body = line.slice(indent);
    if (section !== undefined && sourceSections.has(section)) {
      if (indent === 2) {
        inSpecs = body === 'specs:';
        current = undefined;
        if (body.startsWith('remote: ')) remote = body.slice('remote: '.length).trim();
        else if (body.startsWith('revision: ')) revision = body.slice('revision: '.length).trim();
        continue;
      }
      if (!inSpecs) continue;
      if (indent === 4) {
        current = undefined;
        const spec = nameAndParen(body);
        if (spec?.paren === undefined || spec.paren === '' || gems.length >= maxGems) continue;
        // Bundler: the version is everything before the first `-`, the platform everything after it.
        const dash = spec.paren.indexOf('-');
        const version = (dash < 0 ? spec.paren : spec.paren.slice(0, dash)).trim();
        if (!gemVersion.test(version)) continue;
        const gem: LockedGem = { name: spec.name, version, source: section as LockedGem['source'], dependencies: [] };
        if (dash >= 0) gem.platform = spec.paren.slice(dash + 1);
        gems.push(gem);
        pending.push(gem);
        current = gem;
        continue;
      }
      if (indent === 6 && current !== undefined) {
        const dep = nameAndParen(body);
        if (dep !== undefined && current.dependencies.length < maxDependenciesPerGem && !current.dependencies.includes(dep.name)) {
          current.dependencies.push(dep.name);
        }
      }
      continue;
    }
    if (section === 'DEPENDENCIES' && direct !== undefined && indent === 2 && direct.size < maxGems) {
      const dep = nameAndParen(body);
      if (dep !== undefined) direct.add(dep.name);
    }
  }
  flushSource();
  return { gems, direct, sections };
}
