/**
 * Reads the normalised Ruby that RubyGems writes for an installed gem (`specifications/<name>-<version>.gemspec`,
 * made by `Gem::Specification#to_ruby`), one line at a time. It is never evaluated: only the lines
 * `<var>.name = …`, `<var>.version = …`, `<var>.license(s) = …` and `<var>.add_*dependency(…)` inside the
 * `Gem::Specification.new do |<var>|` block are read, and only when their values are plain literals.
 * https://github.com/rubygems/guides/blob/main/specification-reference.md
 */
import { readString, readStringOrArray } from './ruby-literal.js';

export interface Gemspec {
  name: string;
  version: string;
  licenses: string[];
  /** Runtime dependencies (development dependencies are left out: they are not installed with the gem). */
  runtimeDependencies: string[];
}

export type GemspecResult = { ok: true; spec: Gemspec } | { ok: false; reason: string };

const specNew = 'Gem::Specification.new';
const maxNameLength = 256;
const maxVersionLength = 256;
const maxDependencies = 4096;

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Gem names are letters, digits, `.`, `-` and `_` (RubyGems rejects anything else when it builds a gem).
const gemName = /^[A-Za-z0-9._-]+$/;
// Gem::Version::VERSION_PATTERN, loosened to the characters it can hold once normalised.
const gemVersion = /^[0-9]+[0-9A-Za-z.+-]*$/;

/** The block variable of `Gem::Specification.new do |s|` (or `{ |spec|`). */
function blockVariable(line: string): string | undefined {
  const at = line.indexOf(specNew);
  const open = line.indexOf('|', at + specNew.length);
  if (open < 0) return undefined;
  const close = line.indexOf('|', open + 1);
  if (close < 0) return undefined;
  const name = line.slice(open + 1, close).trim();
  return identifier.test(name) ? name : undefined;
}

/** `attr = value` after `<var>.`: the attribute and the offset of the value, or undefined. */
function assignment(line: string, at: number): { attr: string; value: number } | undefined {
  let i = at;
  while (i < line.length && /[A-Za-z0-9_]/.test(line[i]!)) i++;
  const attr = line.slice(at, i);
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line[i] !== '=' || line[i + 1] === '=' || line[i + 1] === '~') return undefined;
  return { attr, value: i + 1 };
}

/** `add_runtime_dependency(%q<x>.freeze, …)` or `add_dependency "x", …`: the method and the dependency name. */
function dependencyCall(line: string, at: number): { method: string; name: string } | undefined {
  let i = at;
  while (i < line.length && /[A-Za-z0-9_]/.test(line[i]!)) i++;
  const method = line.slice(at, i);
  if (method !== 'add_dependency' && method !== 'add_runtime_dependency' && method !== 'add_development_dependency') return undefined;
  if (line[i] === '(') i++;
  const name = readString(line, i);
  if (name === undefined) return undefined;
  return { method, name: name.value };
}

/** The value of `version =`: a string literal, or `Gem::Version.new("1.0")`. */
function readVersion(line: string, at: number): string | undefined {
  const direct = readString(line, at);
  if (direct !== undefined) return direct.value;
  const rest = line.slice(at).trimStart();
  const wrapper = 'Gem::Version.new(';
  if (!rest.startsWith(wrapper)) return undefined;
  return readString(rest, wrapper.length)?.value;
}

/**
 * Parse one installed gemspec. RubyGems wraps dependencies in
 * `if s.respond_to? :add_runtime_dependency then … else … end`; the `else` branch repeats every dependency (dev ones
 * included) with `add_dependency` for very old RubyGems, so it is skipped.
 */
export function readGemspec(text: string): GemspecResult {
  let variable: string | undefined;
  let name: string | undefined;
  let version: string | undefined;
  let licenses: string[] = [];
  const dependencies = new Set<string>();
  let branch: 'none' | 'then' | 'else' = 'none';

  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (variable === undefined) {
      if (line.includes(specNew)) {
        variable = blockVariable(line);
        if (variable === undefined) return { ok: false, reason: `failed to parse gemspec: no block variable in "${specNew}"` };
      }
      continue;
    }
    if (line.startsWith('if ') && line.includes('respond_to? :add_runtime_dependency')) {
      branch = 'then';
      continue;
    }
    if (branch !== 'none' && line === 'else') {
      branch = 'else';
      continue;
    }
    if (branch !== 'none' && line === 'end') {
      branch = 'none';
      continue;
    }
    const prefix = `${variable}.`;
    if (!line.startsWith(prefix)) continue;
    const at = prefix.length;
    const call = dependencyCall(line, at);
    if (call !== undefined) {
      if (branch !== 'else' && call.method !== 'add_development_dependency' && dependencies.size < maxDependencies) {
        if (gemName.test(call.name) && call.name.length <= maxNameLength) dependencies.add(call.name);
      }
      continue;
    }
    const assign = assignment(line, at);
    if (assign === undefined) continue;
    switch (assign.attr) {
      case 'name':
        name = readString(line, assign.value)?.value;
        break;
      case 'version':
        version = readVersion(line, assign.value);
        break;
      case 'license':
      case 'licenses': {
        // RubyGems keeps `licenses = "MIT"` as ["MIT"] (it wraps a lone string), so either form is accepted for both.
        const read = readStringOrArray(line, assign.value);
        if (read !== undefined) licenses = read.value.map((l) => l.trim()).filter((l) => l !== '' && l.length <= maxNameLength);
        break;
      }
      default:
        break;
    }
  }

  if (variable === undefined) return { ok: false, reason: `failed to parse gemspec: no "${specNew}" block` };
  if (name === undefined || name === '') return { ok: false, reason: 'failed to parse gemspec: no literal name' };
  if (name.length > maxNameLength || !gemName.test(name)) return { ok: false, reason: `failed to parse gemspec: invalid gem name ${JSON.stringify(name.slice(0, 80))}` };
  if (version === undefined || version === '') return { ok: false, reason: `failed to parse gemspec: no literal version for ${name}` };
  if (version.length > maxVersionLength || !gemVersion.test(version)) {
    return { ok: false, reason: `failed to parse gemspec: invalid version ${JSON.stringify(version.slice(0, 80))} for ${name}` };
  }
  dependencies.delete(name);
  return { ok: true, spec: { name, version, licenses, runtimeDependencies: [...dependencies].sort() } };
}
