/**
 * The extractor against the real dpkg database of the machine running the tests: what `dpkg-query` and `dpkg -L`
 * say must be exactly what we read from the same files.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { viewOfFiles } from '../../../../../test/memory-view.js';
import { installState } from './fields.js';
import { dpkgExtractor } from './index.js';

const hasDpkg = existsSync('/var/lib/dpkg/status') && existsSync('/usr/bin/dpkg-query');

/** The wanted files of the host, read directly (walking `/` would enter /proc). */
function hostView(): ReturnType<typeof viewOfFiles> {
  const files = new Map<string, Buffer>();
  const add = (path: string): void => {
    if (dpkgExtractor.wants(path) && existsSync(`/${path}`) && !lstatSync(`/${path}`).isDirectory()) {
      files.set(path, readFileSync(`/${path}`));
    }
  };
  add('var/lib/dpkg/status');
  for (const dir of ['var/lib/dpkg/info', 'var/lib/dpkg/status.d']) {
    if (existsSync(`/${dir}`)) for (const name of readdirSync(`/${dir}`)) add(`${dir}/${name}`);
  }
  for (const name of readdirSync('/usr/share/doc')) add(`usr/share/doc/${name}/copyright`);
  return viewOfFiles(files);
}

function query(format: string): string[] {
  return execFileSync('dpkg-query', ['-W', '-f', format], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    .split('\n')
    .filter((line) => line !== '');
}

describe.skipIf(!hasDpkg)('host dpkg database', () => {
  const issues: string[] = [];
  const packages = dpkgExtractor.extract({
    view: hostView(),
    distro: undefined,
    issue: (path, reason) => issues.push(`${path}: ${reason}`),
  }) as ExtractedPackage[];

  it('reads the database without issues', () => {
    expect(issues).toEqual([]);
    expect(packages.length).toBeGreaterThan(0);
  });

  it('returns what dpkg-query -W returns: name, version, arch, source name and version', () => {
    // dpkg-query also lists config-files packages; the status column filters them with the same rule.
    const fromDpkg = query('${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Status}\n')
      .map((line) => line.split('\t'))
      .filter((cols) => installState(`install ok ${cols[5] ?? ''}`) === 'installed')
      .map((cols) => cols.slice(0, 5).join('\t'))
      .sort();
    const ours = packages.map((p) => [p.name, p.version, p.arch ?? '', p.source?.name ?? '', p.source?.version ?? ''].join('\t'));
    expect([...ours].sort()).toEqual(fromDpkg);
  });

  it('sorts by name, then arch, then version', () => {
    const keys = packages.map((p) => [p.name, p.arch ?? '', p.version] as const);
    const resorted = [...keys].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    expect(keys).toEqual(resorted);
  });

  it('owns exactly what dpkg -L lists, for every installed package', () => {
    const names = packages.map((p) => (existsSync(`/var/lib/dpkg/info/${p.name}:${p.arch}.list`) ? `${p.name}:${p.arch}` : p.name));
    const output = execFileSync('dpkg', ['-L', ...names], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // One block per package, separated by a blank line; diversion notes ("diverted by …") are not paths.
    const blocks = output
      .split(/\n\n+/u)
      .map((block) => block.split('\n').filter((line) => line.startsWith('/') && line !== '/.'))
      .filter((block) => block.length > 0);
    expect(blocks.length).toBe(packages.length);
    packages.forEach((p, i) => {
      const listed = new Set((blocks[i] ?? []).map((line) => line.slice(1)));
      expect(new Set((p.ownedFiles ?? []).map((f) => f.path)), `${p.name}:${p.arch}`).toEqual(listed);
    });
  });

  it('attaches md5sums and conffile digests that match the files on disk', () => {
    const dpkg = packages.find((p) => p.name === 'dpkg');
    expect(dpkg).toBeDefined();
    const files = (dpkg?.ownedFiles ?? []).filter((f) => f.digest !== undefined);
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.config === true)).toBe(true);
    let checked = 0;
    for (const file of files) {
      const full = `/${file.path}`;
      if (file.config === true || !existsSync(full) || !lstatSync(full).isFile()) continue;
      expect(createHash('md5').update(readFileSync(full)).digest('hex'), file.path).toBe(file.digest?.value);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('reads licences from usr/share/doc/<pkg>/copyright', () => {
    expect(packages.find((p) => p.name === 'dpkg')?.licenses).toContain('GPL-2+');
  });
});
