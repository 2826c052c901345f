/**
 * Test-only: real .debs from the machine's apt sources (cached), and small .debs built with dpkg-deb from specs.
 * Used by the tests of fix/deb, fix/patch and image/writer; never imported by production code.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testCacheDir } from '../../../../test/images/build-cache.js';

/** `apt-get download <name>` into the test cache (once); returns the .deb path. */
export function downloadDeb(name: string): string {
  const dir = join(testCacheDir(), 'debs');
  mkdirSync(dir, { recursive: true });
  const find = (): string | undefined => readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  const cached = find();
  if (cached) return join(dir, cached);
  const temp = mkdtempSync(join(dir, `.dl-${name}-`));
  try {
    execFileSync('apt-get', ['download', '-q', name], { cwd: temp, stdio: ['ignore', 'ignore', 'pipe'] });
    const got = readdirSync(temp).find((f) => f.endsWith('.deb'));
    if (!got) throw new Error(`apt-get download ${name} wrote no .deb`);
    if (!find()) renameSync(join(temp, got), join(dir, got));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return join(dir, find()!);
}

export interface DebSpec {
  name: string;
  version: string;
  arch?: string;
  multiArch?: string;
  depends?: string;
  files?: { path: string; content: string | Buffer; mode?: number }[];
  dirs?: string[];
  symlinks?: { path: string; target: string }[];
  /** Absolute paths of files also listed in `files`. */
  conffiles?: string[];
  scripts?: Partial<Record<'preinst' | 'postinst' | 'prerm' | 'postrm', string>>;
  /** Extra control members (triggers, shlibs…). */
  control?: Record<string, string>;
  compression?: 'gzip' | 'xz' | 'zstd' | 'none';
  /** Write md5sums (default true). */
  md5sums?: boolean;
}

/** Build a .deb with dpkg-deb (root-owned files); returns its path in `outDir`. */
export function buildDeb(spec: DebSpec, outDir: string): string {
  const root = mkdtempSync(join(outDir, `.root-${spec.name}-`));
  try {
    mkdirSync(join(root, 'DEBIAN'));
    for (const d of spec.dirs ?? []) mkdirSync(join(root, d), { recursive: true });
    for (const f of spec.files ?? []) {
      mkdirSync(join(root, f.path, '..'), { recursive: true });
      writeFileSync(join(root, f.path), f.content);
      chmodSync(join(root, f.path), f.mode ?? 0o644);
    }
    for (const s of spec.symlinks ?? []) {
      mkdirSync(join(root, s.path, '..'), { recursive: true });
      symlinkSync(s.target, join(root, s.path));
    }
    const control = [
      `Package: ${spec.name}`,
      `Version: ${spec.version}`,
      `Architecture: ${spec.arch ?? 'amd64'}`,
      ...(spec.multiArch ? [`Multi-Arch: ${spec.multiArch}`] : []),
      'Maintainer: grout tests <tests@grout.invalid>',
      'Installed-Size: 1',
      ...(spec.depends ? [`Depends: ${spec.depends}`] : []),
      'Section: misc',
      'Priority: optional',
      `Description: test package ${spec.name}`,
      ' Built by the grout test suite.',
      ' .',
      ' Second paragraph.',
    ].join('\n');
    writeFileSync(join(root, 'DEBIAN/control'), `${control}\n`);
    if (spec.conffiles?.length) writeFileSync(join(root, 'DEBIAN/conffiles'), `${spec.conffiles.join('\n')}\n`);
    for (const [name, text] of Object.entries(spec.scripts ?? {})) {
      writeFileSync(join(root, 'DEBIAN', name), text);
      chmodSync(join(root, 'DEBIAN', name), 0o755);
    }
    for (const [name, text] of Object.entries(spec.control ?? {})) writeFileSync(join(root, 'DEBIAN', name), text);
    if (spec.md5sums !== false) {
      const files = (spec.files ?? []).map((f) => f.path).filter((p) => !(spec.conffiles ?? []).includes(`/${p}`)).sort();
      if (files.length > 0) {
        const sums = execFileSync('md5sum', files, { cwd: root, encoding: 'utf8' });
        writeFileSync(join(root, 'DEBIAN/md5sums'), sums);
      }
    }
    const out = join(outDir, `${spec.name}_${spec.version.replace(/:/g, '%3a')}_${spec.arch ?? 'amd64'}.deb`);
    const z = spec.compression ?? 'xz';
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${z}`, '--build', root, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Repack a real .deb with another version (and optional edits of its unpacked tree, DEBIAN/ included), as a
 * stand-in for a newer upload when the archive has none.
 */
export function repackDeb(deb: string, version: string, outDir: string, edit?: (root: string) => void, compression: 'gzip' | 'xz' | 'zstd' = 'xz'): string {
  const root = mkdtempSync(join(outDir, '.repack-'));
  try {
    execFileSync('dpkg-deb', ['-R', deb, root]);
    const controlPath = join(root, 'DEBIAN/control');
    const control = readFileSync(controlPath, 'utf8').replace(/^Version: .*$/m, `Version: ${version}`);
    writeFileSync(controlPath, control);
    edit?.(root);
    const name = /^Package: (.*)$/m.exec(control)![1]!;
    const arch = /^Architecture: (.*)$/m.exec(control)![1]!;
    const out = join(outDir, `${name}_${version.replace(/:/g, '%3a')}_${arch}.deb`);
    if (existsSync(out)) rmSync(out);
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${compression}`, '--build', root, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `dpkg-deb -c` as { path, type, mode, size, link } with normalised paths. */
export function dpkgDebContents(deb: string): { path: string; type: string; size: number; link?: string }[] {
  const out = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S)(\S{9})\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (!m) throw new Error(`unexpected dpkg-deb -c line ${line}`);
      const kind = m[1]!;
      let name = m[4]!;
      let link: string | undefined;
      if (kind === 'l') [name, link] = name.split(' -> ') as [string, string];
      if (kind === 'h') [name, link] = name.split(' link to ') as [string, string];
      const norm = (p: string): string => p.replace(/^\.\//, '').replace(/\/$/, '').replace(/^\.$/, '');
      const type = kind === 'd' ? 'dir' : kind === 'l' ? 'symlink' : kind === 'h' ? 'hardlink' : 'file';
      return { path: norm(name), type, size: Number(m[3]), ...(link !== undefined ? { link: kind === 'h' ? norm(link) : link } : {}) };
    });
}
