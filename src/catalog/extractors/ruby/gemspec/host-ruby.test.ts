/**
 * The extractor against the gems installed on the machine running the tests (Debian: `apt-get install ruby`):
 * `gem list --local` must list exactly the names and versions we read from the same `specifications/` folders, and
 * RubyGems' own loader (`Gem::Specification.load`, which evaluates the file) must agree with every field we read.
 * Default gems (`specifications/default/`) are counted: `gem list` shows them as `(default: x.y.z)`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { gemspecExtractor } from './index.js';

const hasRuby = existsSync('/usr/bin/gem') && existsSync('/usr/bin/ruby');

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LANG: 'C.UTF-8' } });
}

/** Every `*.gemspec` in `<dir>/specifications/` and `<dir>/specifications/default/` of each RubyGems path. */
function hostGemspecs(): string[] {
  const dirs = run('gem', ['env', 'gempath']).trim().split(':');
  // The brief names these two; `gem env gempath` must cover them.
  const named = ['/usr/share/rubygems-integration/all', ...readdirSync('/usr/lib/ruby/gems').map((v) => `/usr/lib/ruby/gems/${v}`)];
  for (const dir of named) if (existsSync(join(dir, 'specifications'))) expect(dirs).toContain(dir);
  const files: string[] = [];
  for (const dir of new Set(dirs)) {
    for (const spec of [join(dir, 'specifications'), join(dir, 'specifications', 'default')]) {
      if (!existsSync(spec) || !statSync(spec).isDirectory()) continue;
      for (const name of readdirSync(spec)) if (name.endsWith('.gemspec')) files.push(join(spec, name));
    }
  }
  return files.sort();
}

/** `name (default: 1.0, 0.9)` lines → `name@1.0`, `name@0.9`. */
function gemList(): string[] {
  const out: string[] = [];
  for (const line of run('gem', ['list', '--local']).split('\n')) {
    const m = /^(\S+) \((.*)\)$/.exec(line.trim());
    if (m === null) continue;
    for (const v of m[2]!.split(',')) out.push(`${m[1]}@${v.trim().replace(/^default: /, '').split(' ')[0]}`);
  }
  return [...new Set(out)].sort();
}

interface Loaded {
  name: string;
  version: string;
  licenses: string[];
  runtime: string[];
}

/** RubyGems' own reading of each file. */
function loadWithRuby(files: string[]): Record<string, Loaded> {
  const script = `
    require 'json'
    out = {}
    ARGV.each do |f|
      s = Gem::Specification.load(f)
      out[f] = { name: s.name, version: s.version.to_s, licenses: s.licenses, runtime: s.runtime_dependencies.map(&:name).uniq.sort }
    end
    puts JSON.generate(out)`;
  return JSON.parse(run('ruby', ['-e', script, ...files])) as Record<string, Loaded>;
}

describe.skipIf(!hasRuby)('host RubyGems', () => {
  const files = hasRuby ? hostGemspecs() : [];
  const issues: string[] = [];
  const byFile = new Map<string, ExtractedPackage>();
  for (const file of files) {
    const path = file.slice(1);
    expect(gemspecExtractor.wants(path, { mode: 0o644, size: 1 })).toBe(true);
    const [pkg] = gemspecExtractor.extractFile({ path, bytes: readFileSync(file), mode: 0o644 }, { issue: (p, r) => issues.push(`${p}: ${r}`) }) as ExtractedPackage[];
    if (pkg !== undefined) byFile.set(file, pkg);
  }

  it('reads every installed gemspec without issues, default gems included', () => {
    expect(issues).toEqual([]);
    expect(files.some((f) => f.includes('/specifications/default/'))).toBe(true);
    expect(byFile.size).toBe(files.length);
  });

  it('finds exactly the gems `gem list --local` lists', () => {
    const ours = [...new Set([...byFile.values()].map((p) => `${p.name}@${p.version}`))].sort();
    expect(ours).toEqual(gemList());
  });

  it('agrees with Gem::Specification.load on name, version, licences and runtime dependencies', () => {
    const loaded = loadWithRuby(files);
    for (const file of files) {
      const pkg = byFile.get(file)!;
      const want = loaded[file]!;
      expect({ name: pkg.name, version: pkg.version, licenses: pkg.licenses, runtime: pkg.dependsOn ?? [] }, file).toEqual(want);
    }
  });
});
