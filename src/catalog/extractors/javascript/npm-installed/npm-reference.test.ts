/**
 * Reference check against npm itself: a small real project is installed with `npm install` (cached under
 * os.tmpdir()/grout-test-images/npm-app-<hash> between runs), then
 * - javascript/npm-installed over every package.json under its node_modules must give exactly the
 *   (name, version, location) set `npm query '*'` reports for the folder, and
 * - javascript/package-lock over the package-lock.json npm wrote must give the same (name, version) set, with
 *   npm's own dev flags.
 * Skipped, with the reason, only when the npm registry cannot be reached.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { packageLockExtractor } from '../package-lock/index.js';
import { npmInstalledExtractor } from './index.js';

const run = promisify(execFile);

/** Pinned direct dependencies: express brings nested duplicates (debug@2 and ms@2.0.0 beside debug@4, ms@2.1.3). */
const manifest = {
  name: 'grout-npm-reference-app',
  version: '1.0.0',
  private: true,
  dependencies: { express: '4.21.2', lodash: '4.17.21', debug: '4.3.7', '@types/node': '20.17.10', semver: '7.6.3' },
  devDependencies: { ms: '2.1.3', 'is-number': '7.0.0' },
};

const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|proxy/iu;

interface QueryNode {
  name?: string;
  version?: string;
  location: string;
  dev?: boolean;
}

let appDir: string | undefined;
let skipReason: string | undefined;

async function installedApp(): Promise<string> {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cacheRoot = join(tmpdir(), 'grout-test-images');
  const dir = join(cacheRoot, `npm-app-${hash}`);
  if (existsSync(join(dir, '.grout-complete'))) return dir;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, 'npm-app-tmp-'));
  writeFileSync(join(work, 'package.json'), text);
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--package-lock=true'], {
      cwd: work,
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    const detail = err instanceof Error ? `${err.message}\n${String((err as { stderr?: unknown }).stderr ?? '')}` : String(err);
    if (NETWORK_FAILURE.test(detail)) throw new RegistryUnreachable(detail.split('\n').find((l) => NETWORK_FAILURE.test(l)) ?? detail);
    throw err;
  }
  writeFileSync(join(work, '.grout-complete'), '');
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another run finished first
  }
  return dir;
}

class RegistryUnreachable extends Error {}

/** Every regular package.json under node_modules, not following symlinks (.bin, workspace links). */
function manifests(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name === 'package.json') out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(join(root, 'node_modules'));
  return out.sort();
}

async function npmQuery(dir: string): Promise<QueryNode[]> {
  const { stdout } = await run('npm', ['query', '*'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(stdout) as QueryNode[]).filter((n) => n.location !== '');
}

describe('npm reference: a real npm install', () => {
  beforeAll(async () => {
    try {
      appDir = await installedApp();
    } catch (err) {
      if (!(err instanceof RegistryUnreachable)) throw err;
      skipReason = `the npm registry cannot be reached through the machine's npm configuration: ${err.message.slice(0, 200)}`;
    }
  }, 900_000);

  it('npm-installed reports exactly what npm query reports (name, version, location)', async (ctx) => {
    if (appDir === undefined) return ctx.skip(skipReason);
    const prefix = 'srv/app/';
    const issues: string[] = [];
    const found: ExtractedPackage[] = [];
    const all = manifests(appDir);
    for (const rel of all) {
      const path = prefix + rel;
      const bytes = readFileSync(join(appDir, rel));
      if (!npmInstalledExtractor.wants(path, { mode: 0o644, size: bytes.length })) continue;
      found.push(...(await npmInstalledExtractor.extractFile({ path, bytes, mode: 0o644 }, { issue: (p, r) => issues.push(`${p}: ${r}`) })));
    }
    expect(issues).toEqual([]);
    const ours = found.map((p) => `${p.name}@${p.version} ${p.evidence.slice(prefix.length, -'/package.json'.length)}`).sort();
    const theirs = (await npmQuery(appDir)).map((n) => `${n.name}@${n.version} ${n.location}`).sort();
    expect(ours).toEqual(theirs);
    // The install has what the check is meant to exercise: a scoped package and nested duplicates.
    expect(ours.some((k) => k.startsWith('@types/node@'))).toBe(true);
    expect(new Set(found.filter((p) => p.name === 'debug').map((p) => p.version)).size).toBeGreaterThan(1);
    expect(found.some((p) => p.evidence.includes('/node_modules/express/node_modules/'))).toBe(true);
    // package.json files that are not a package's manifest exist in the tree and were not picked.
    expect(all.length).toBeGreaterThanOrEqual(found.length);
    for (const p of found) {
      expect(p.metadata).toMatchObject({ kind: 'language', origin: 'installed' });
      const own = JSON.parse(readFileSync(join(appDir, p.evidence.slice(prefix.length)), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const declared = [...Object.keys(own['dependencies'] ?? {}), ...Object.keys(own['optionalDependencies'] ?? {})];
      expect(p.dependsOn ?? [], p.evidence).toEqual([...new Set(declared)].sort());
    }
  });

  it('package-lock on the lockfile npm wrote gives the same (name, version) set and npm dev flags', async (ctx) => {
    if (appDir === undefined) return ctx.skip(skipReason);
    const path = 'srv/app/package-lock.json';
    expect(packageLockExtractor.wants(path, { mode: 0o644, size: 1 })).toBe(true);
    expect(packageLockExtractor.wants('srv/app/node_modules/.package-lock.json', { mode: 0o644, size: 1 })).toBe(false);
    const issues: string[] = [];
    const locked = await packageLockExtractor.extractFile(
      { path, bytes: readFileSync(join(appDir, 'package-lock.json')), mode: 0o644 },
      { issue: (p, r) => issues.push(`${p}: ${r}`) },
    );
    expect(issues).toEqual([]);
    const query = await npmQuery(appDir);
    expect(locked.map((p) => `${p.name}@${p.version}`).sort()).toEqual([...new Set(query.map((n) => `${n.name}@${n.version}`))].sort());
    for (const p of locked) {
      const nodes = query.filter((n) => n.name === p.name && n.version === p.version);
      const meta = p.metadata?.kind === 'language' ? p.metadata : undefined;
      expect(meta?.dev, `${p.name}@${p.version} dev`).toBe(nodes.every((n) => n.dev === true));
      const direct = nodes.some((n) => n.location === `node_modules/${p.name}` && p.name in { ...manifest.dependencies, ...manifest.devDependencies });
      expect(meta?.direct, `${p.name}@${p.version} direct`).toBe(direct);
    }
    expect(locked.find((p) => p.name === 'is-number')?.metadata).toMatchObject({ dev: true, direct: true });
  });
});
