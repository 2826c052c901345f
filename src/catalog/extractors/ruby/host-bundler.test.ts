/**
 * Both Ruby extractors against Bundler itself (Debian: `apt-get install ruby`, which ships Bundler as a default
 * gem), offline: local gems are built with `gem build` into `vendor/cache`, a project requires them plus a path gem
 * and a git gem (a local repository), and `bundle install --local` writes a real Gemfile.lock and installs into
 * `vendor/bundle/ruby/<version>/specifications/`. Bundler's own lockfile parser and RubyGems' own loader are the
 * reference for what we read.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../core/model.js';
import type { FileExtractor } from '../../extractor.js';
import { gemfileLockExtractor } from './gemfile-lock/index.js';
import { gemspecExtractor } from './gemspec/index.js';

const bundle = ['/usr/bin/bundle', '/usr/bin/bundle3.1'].find((b) => existsSync(b));
const hasTools = bundle !== undefined && existsSync('/usr/bin/gem') && existsSync('/usr/bin/ruby') && existsSync('/usr/bin/git');

const gemspecs: Record<string, string> = {
  alpha: `s.version = "1.0.0"; s.licenses = ["MIT", "Apache-2.0"]
  s.add_dependency "beta", ">= 2.1.0.rc1"
  s.add_development_dependency "gamma"`,
  beta: 's.version = "2.1.0.rc1"; s.license = "BSD-2-Clause"',
  gamma: 's.version = "0.1.0"; s.authors = ["Andr\\u00e9"]',
  gitgem: 's.version = "1.0.0.pre.1"\n  s.add_dependency "gamma"',
  pathgem: 's.version = "0.3.0"\n  s.add_dependency "alpha", ">= 1"',
};

const gemfile = `source "https://gems.example.invalid"
gem "alpha", "~> 1.0"
gem "pathgem", path: "../pathgem"
gem "gitgem", git: "GIT_DIR"
group :development do
  gem "gamma"
end
`;

interface BundlerView {
  specs: { name: string; version: string; platform: string; deps: string[]; source: string }[];
  deps: string[];
}

describe.skipIf(!hasTools)('host Bundler', () => {
  const work = mkdtempSync(join(tmpdir(), 'grout-bundler-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const app = join(work, 'app');
  const env = { ...process.env, HOME: join(work, 'home'), LANG: 'C.UTF-8', BUNDLE_PATH: 'vendor/bundle', BUNDLE_DISABLE_VERSION_CHECK: '1' };
  const run = (cmd: string, args: string[], cwd: string): string =>
    execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });

  if (hasTools) {
    mkdirSync(join(work, 'home'));
    mkdirSync(join(app, 'vendor', 'cache'), { recursive: true });
    for (const [name, body] of Object.entries(gemspecs)) {
      const dir = join(work, 'src', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.gemspec`), `Gem::Specification.new do |s|\n  s.name = "${name}"; s.summary = "x"; s.authors = ["a"]; s.files = []\n  ${body}\nend\n`);
      if (name === 'gitgem') {
        const git = (...args: string[]): string => run('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], dir);
        git('init', '-q', '.');
        git('add', '.');
        git('commit', '-qm', 'init');
      } else if (name !== 'pathgem') {
        run('gem', ['build', `${name}.gemspec`], dir);
        const built = readdirSync(dir).find((f) => f.endsWith('.gem'))!;
        renameSync(join(dir, built), join(app, 'vendor', 'cache', built));
      }
    }
    writeFileSync(join(app, 'Gemfile'), gemfile.replace('GIT_DIR', join(work, 'src', 'gitgem')).replace('../pathgem', join(work, 'src', 'pathgem')));
    run(bundle!, ['install', '--local'], app);
  }

  const extract = (extractor: FileExtractor, file: string): { path: string; packages: ExtractedPackage[]; issues: string[] } => {
    const path = relative(work, file);
    expect(extractor.wants(path, { mode: 0o644, size: 1 }), path).toBe(true);
    const issues: string[] = [];
    const packages = extractor.extractFile({ path, bytes: readFileSync(file), mode: 0o644 }, { issue: (p, r) => issues.push(`${p}: ${r}`) }) as ExtractedPackage[];
    return { path, packages, issues };
  };

  it('Gemfile.lock: specs, versions, dependency names, sources and direct gems as Bundler::LockfileParser reads them', () => {
    const script = `
      require 'bundler'; require 'json'
      l = Bundler::LockfileParser.new(File.read(ARGV[0]))
      puts JSON.generate(specs: l.specs.map { |s| { name: s.name, version: s.version.to_s, platform: s.platform.to_s,
        deps: s.dependencies.map(&:name).uniq.sort, source: s.source.class.name.split('::').last } }, deps: l.dependencies.keys.sort)`;
    const want = JSON.parse(run('ruby', ['-e', script, join(app, 'Gemfile.lock')], app)) as BundlerView;
    const { path, packages, issues } = extract(gemfileLockExtractor, join(app, 'Gemfile.lock'));
    expect(issues).toEqual([]);
    expect(want.specs.length).toBe(5);
    expect(packages.map((p) => ({ name: p.name, version: p.version, deps: p.dependsOn ?? [] }))).toEqual(
      want.specs.map((s) => ({ name: s.name, version: s.version, deps: s.deps })).sort((a, b) => a.name.localeCompare(b.name)),
    );
    for (const p of packages) {
      const meta = p.metadata?.kind === 'language' ? p.metadata : undefined;
      expect(p.evidence).toBe(path);
      expect(meta?.origin).toBe('declared');
      expect(meta?.direct, `${p.name}.direct`).toBe(want.deps.includes(p.name));
      const source = want.specs.find((s) => s.name === p.name)!.source;
      if (source === 'Git') expect(meta?.resolved).toMatch(new RegExp(`gitgem#[0-9a-f]{40}$`));
      else if (source === 'Path') expect(meta?.resolved).toBe(join(work, 'src', 'pathgem'));
      else expect(meta?.resolved).toBeUndefined();
    }
  });

  it('vendor/bundle specifications: every installed gem, as Gem::Specification.load reads it; git gems’ source gemspecs are not wanted', () => {
    const versions = readdirSync(join(app, 'vendor', 'bundle', 'ruby'));
    const dir = join(app, 'vendor', 'bundle', 'ruby', versions[0]!, 'specifications');
    const files = readdirSync(dir).map((f) => join(dir, f)).sort();
    expect(files.length).toBe(3);
    const script = `
      require 'json'
      puts JSON.generate(ARGV.map { |f| s = Gem::Specification.load(f)
        { name: s.name, version: s.version.to_s, licenses: s.licenses, deps: s.runtime_dependencies.map(&:name).sort } })`;
    const want = JSON.parse(run('ruby', ['-e', script, ...files], app)) as unknown[];
    const got = files.map((f) => {
      const { packages, issues } = extract(gemspecExtractor, f);
      expect(issues).toEqual([]);
      const p = packages[0]!;
      return { name: p.name, version: p.version, licenses: p.licenses, deps: p.dependsOn ?? [] };
    });
    expect(got).toEqual(want);
    const gitGems = join(app, 'vendor', 'bundle', 'ruby', versions[0]!, 'bundler', 'gems');
    for (const checkout of readdirSync(gitGems)) {
      expect(gemspecExtractor.wants(relative(work, join(gitGems, checkout, 'gitgem.gemspec')), { mode: 0o644, size: 1 })).toBe(false);
    }
  });
});
