/**
 * Both Composer extractors against Composer itself (Debian: `apt-get install composer`): a project made with
 * `composer init` that requires local packages through a path repository (no network: packagist is switched off),
 * then `composer show`, `composer licenses` and `composer show --tree` compared with what we read from the
 * composer.lock and vendor/composer/installed.json Composer wrote.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../core/model.js';
import type { FileExtractor } from '../../extractor.js';
import { composerInstalledExtractor } from './composer-installed/index.js';
import { composerLockExtractor } from './composer-lock/index.js';

const hasComposer = existsSync('/usr/bin/composer') && existsSync('/usr/bin/php');

/** Local packages: name → composer.json. One has no version (Composer gives it a dev- version). */
const localPackages: Record<string, Record<string, unknown>> = {
  a: { name: 'acme/a', version: '1.2.0', license: 'MIT', require: { php: '>=7.0', 'ext-json': '*', 'acme/b': '^2.0' } },
  b: { name: 'acme/b', version: '2.0.1', license: ['MIT', 'GPL-2.0-only'], require: { 'acme/c': '*', 'acme/e': '@dev' } },
  c: { name: 'acme/c', version: 'v3.1.4', license: '(LGPL-2.1-only or GPL-3.0-or-later)' },
  d: { name: 'acme/d', version: '0.1.0-beta.2', license: 'proprietary', require: { 'acme/c': '^3' } },
  e: { name: 'acme/e' },
};

describe.skipIf(!hasComposer)('host Composer', () => {
  const work = mkdtempSync(join(tmpdir(), 'grout-composer-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const app = join(work, 'app');
  const env = {
    ...process.env,
    COMPOSER_HOME: join(work, 'home'),
    COMPOSER_CACHE_DIR: join(work, 'cache'),
    COMPOSER_DISABLE_NETWORK: '1',
    COMPOSER_NO_INTERACTION: '1',
    COMPOSER_ALLOW_SUPERUSER: '1',
    COMPOSER_NO_AUDIT: '1',
  };
  const composer = (...args: string[]): string =>
    execFileSync('composer', [...args, '--no-ansi'], { cwd: app, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  if (hasComposer) {
    for (const [dir, json] of Object.entries(localPackages)) {
      mkdirSync(join(work, 'pkgs', dir), { recursive: true });
      writeFileSync(join(work, 'pkgs', dir, 'composer.json'), JSON.stringify(json));
    }
    mkdirSync(app);
    composer('init', '--name', 'acme/app', '--stability', 'dev', '--quiet');
    composer('config', 'prefer-stable', 'true');
    composer('config', 'repositories.packagist', 'false');
    composer('config', 'repositories.local', JSON.stringify({ type: 'path', url: '../pkgs/*', options: { symlink: false } }));
    composer('require', 'acme/a:^1.2', '--quiet');
    composer('require', '--dev', 'acme/d:^0.1@beta', '--quiet');
  }

  const extract = (extractor: FileExtractor, path: string): { packages: ExtractedPackage[]; issues: string[] } => {
    const issues: string[] = [];
    const packages = extractor.extractFile(
      { path, bytes: readFileSync(join(work, path)), mode: 0o644 },
      { issue: (p, reason) => issues.push(`${p}: ${reason}`) },
    ) as ExtractedPackage[];
    return { packages, issues };
  };

  const showNames = (...args: string[]): Map<string, string> => {
    const out = JSON.parse(composer('show', '--format=json', ...args)) as Record<string, { name: string; version: string }[]>;
    return new Map(Object.values(out).flat().map((p) => [p.name, p.version]));
  };

  /** `composer show --tree`: each package and the packages it requires (platform requirements left out). */
  const treeEdges = (installed: ReadonlySet<string>): Record<string, string[]> => {
    type Node = { name: string; requires?: Node[] };
    const edges: Record<string, string[]> = {};
    const walk = (node: Node): void => {
      const children = (node.requires ?? []).map((c) => c.name).filter((n) => installed.has(n)).sort();
      if (children.length > 0) edges[node.name] = children;
      for (const child of node.requires ?? []) walk(child);
    };
    for (const node of (JSON.parse(composer('show', '--tree', '--format=json')) as { installed: Node[] }).installed) walk(node);
    return edges;
  };

  const licensesByName = (): Record<string, string[]> => {
    const out = JSON.parse(composer('licenses', '--format=json')) as { dependencies: Record<string, { license: string[] }> };
    return Object.fromEntries(Object.entries(out.dependencies).map(([name, d]) => [name, d.license]));
  };

  const check = (packages: ExtractedPackage[], versions: Map<string, string>, runtime: Map<string, string>): void => {
    expect(new Map(packages.map((p) => [p.name, p.version]))).toEqual(versions);
    expect(Object.fromEntries(packages.map((p) => [p.name, p.licenses]))).toEqual(licensesByName());
    for (const p of packages) {
      expect(p.metadata?.kind === 'language' ? p.metadata.dev : undefined, `${p.name}.dev`).toBe(!runtime.has(p.name));
    }
    const edges = Object.fromEntries(packages.filter((p) => p.dependsOn !== undefined).map((p) => [p.name, p.dependsOn]));
    expect(edges).toEqual(treeEdges(new Set(versions.keys())));
    // Not vacuous: platform requirements (php, ext-json) are left out, package ones kept.
    expect(edges).toEqual({ 'acme/a': ['acme/b'], 'acme/b': ['acme/c', 'acme/e'], 'acme/d': ['acme/c'] });
  };

  it('composer.lock: names, versions, licences, dev and require edges as Composer reports them', () => {
    const { packages, issues } = extract(composerLockExtractor, 'app/composer.lock');
    expect(issues).toEqual([]);
    expect(packages.length).toBe(5);
    expect(packages.find((p) => p.name === 'acme/e')?.version).toMatch(/^dev-/);
    check(packages, showNames('--locked'), showNames('--locked', '--no-dev'));
    expect(packages.every((p) => p.metadata?.kind === 'language' && p.metadata.origin === 'declared')).toBe(true);
  });

  it('vendor/composer/installed.json (Composer 2 form): the same, as installed packages', () => {
    const { packages, issues } = extract(composerInstalledExtractor, 'app/vendor/composer/installed.json');
    expect(issues).toEqual([]);
    check(packages, showNames(), showNames('--no-dev'));
    expect(packages.every((p) => p.metadata?.kind === 'language' && p.metadata.origin === 'installed')).toBe(true);
  });

  it('the Composer 1 form (a bare array of the same entries) gives the same packages, without dev', () => {
    const v2 = JSON.parse(readFileSync(join(app, 'vendor/composer/installed.json'), 'utf8')) as { packages: unknown[] };
    writeFileSync(join(work, 'installed-v1.json'), JSON.stringify(v2.packages));
    const issues: string[] = [];
    const v1 = composerInstalledExtractor.extractFile(
      { path: 'vendor/composer/installed.json', bytes: readFileSync(join(work, 'installed-v1.json')), mode: 0o644 },
      { issue: (p, reason) => issues.push(`${p}: ${reason}`) },
    ) as ExtractedPackage[];
    const fromV2 = extract(composerInstalledExtractor, 'app/vendor/composer/installed.json').packages;
    expect(issues).toEqual([]);
    const strip = (p: ExtractedPackage): unknown => ({ ...p, evidence: '', metadata: { ...p.metadata, dev: undefined } });
    expect(v1.map(strip)).toEqual(fromV2.map(strip));
    expect(v1.every((p) => p.metadata?.kind === 'language' && p.metadata.dev === undefined)).toBe(true);
  });
});
