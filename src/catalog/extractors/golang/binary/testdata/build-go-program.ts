/**
 * Builds the Go program in `go-program/` with the local Go toolchain, without the module proxy: the dependencies
 * come from a module cache this helper fills from `go-program/module-cache/` (GOPROXY=off), and `example.com/lib`
 * is a local-directory replace. Binaries are cached under `os.tmpdir()/grout-test-images/`, keyed by the sources
 * and the toolchain version.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const here = dirname(fileURLToPath(import.meta.url));
const programDir = join(here, 'go-program');

export type GoBuildVariant = 'default' | 'stripped' | 'pie' | 'static';

const variantFlags: Record<GoBuildVariant, { args: string[]; env: Record<string, string> }> = {
  default: { args: [], env: {} },
  stripped: { args: ['-ldflags=-s -w'], env: {} },
  pie: { args: ['-buildmode=pie'], env: {} },
  static: { args: [], env: { CGO_ENABLED: '0' } },
};

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Build (or reuse) every variant; returns the binary paths. */
export function buildGoProgram(variants: readonly GoBuildVariant[]): Record<GoBuildVariant, string> {
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  const key = createHash('sha256').update(goVersion).update(treeDigest(programDir)).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'grout-test-images', `golang-binary-${key}`);
  const src = join(root, 'src');
  const modCache = join(root, 'gomodcache');
  if (!existsSync(join(src, '.ready'))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(programDir, src, { recursive: true });
    fillModuleCache(join(programDir, 'module-cache'), modCache);
    writeFileSync(join(src, '.ready'), '');
  }
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOMODCACHE: modCache,
    GOCACHE: join(root, 'gocache'),
    GOPATH: join(root, 'gopath'),
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
  };
  const out = {} as Record<GoBuildVariant, string>;
  for (const variant of variants) {
    const binary = join(root, `app-${variant}`);
    if (!existsSync(binary)) {
      const { args, env: extra } = variantFlags[variant];
      execFileSync('go', ['build', ...args, '-o', binary, '.'], { cwd: join(src, 'app'), env: { ...env, ...extra }, stdio: 'pipe' });
    }
    out[variant] = binary;
  }
  return out;
}

/**
 * The module cache layout the go command reads with GOPROXY=off: cache/download/<module>/@v/<version>.{mod,zip,info}
 * and a `list` of versions. Each zip holds the module's files under `<module>@<version>/`.
 */
function fillModuleCache(from: string, modCache: string): void {
  for (const host of readdirSync(from)) {
    for (const entry of readdirSync(join(from, host))) {
      const [name, version] = entry.split('@') as [string, string];
      const modulePath = `${host}/${name}`;
      const dir = join(modCache, 'cache', 'download', modulePath, '@v');
      mkdirSync(dir, { recursive: true });
      const files: Record<string, Uint8Array> = {};
      for (const file of readdirSync(join(from, host, entry))) {
        files[`${modulePath}@${version}/${file}`] = readFileSync(join(from, host, entry, file));
      }
      writeFileSync(join(dir, `${version}.mod`), readFileSync(join(from, host, entry, 'go.mod')));
      writeFileSync(join(dir, `${version}.zip`), zipSync(files));
      writeFileSync(join(dir, `${version}.info`), JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' }));
      writeFileSync(join(dir, 'list'), `${version}\n`);
    }
  }
}

function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** One module as `go version -m` prints it, for comparison. */
export interface GoVersionModule {
  kind: 'mod' | 'dep';
  path: string;
  version: string;
  sum: string;
  replace?: { path: string; version: string; sum: string };
}

/** The toolchain and modules `go version -m <binary>` reports. */
export function goVersionM(binary: string): { toolchain: string; modules: GoVersionModule[] } {
  const text = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const [first = '', ...rest] = text.split('\n');
  const toolchain = first.slice(first.lastIndexOf(': ') + 2).trim();
  const modules: GoVersionModule[] = [];
  for (const line of rest) {
    const [, word, path = '', version = '', sum = ''] = line.split('\t');
    if (word === 'mod' || word === 'dep') modules.push({ kind: word, path, version, sum });
    else if (word === '=>') modules[modules.length - 1]!.replace = { path, version, sum };
  }
  return { toolchain, modules };
}
