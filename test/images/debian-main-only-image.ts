import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDeb822Sources, parseSourcesList, type AptSource } from '../../src/fix/apt/sources.js';
import { cachedBuild } from './build-cache.js';

/**
 * A real Debian 12 image as it was at the point release, before any security update: mmdebstrap (variant
 * minbase) from **bookworm's main suite only**, whose `/etc/apt/sources.list.d/debian.sources` then lists main,
 * bookworm-updates and bookworm-security the way Debian's official image does — so `grout fix` finds the security
 * suite through the image's own sources and patches from it. The archive URLs are read at run time from this
 * machine's apt configuration (no host is named in any file). One layer; cached under a key that changes when this
 * builder or the machine's archive URLs change.
 */
export const MAIN_ONLY_TAG = 'bookworm-main';
const ARCH = 'amd64';

export interface ArchiveUrls {
  /** The Debian archive root serving `bookworm` (e.g. `http://<mirror>/debian`). */
  debian: string;
  /** The security archive root serving `bookworm-security`. */
  security: string;
}

export interface DebianMainOnlyImage {
  /** OCI layout directory; the image is tagged MAIN_ONLY_TAG. */
  ociLayout: string;
  archive: ArchiveUrls;
  /** `dpkg-query -W` of the image: `name\tversion\tarch` lines of installed packages, sorted. */
  installed: string[];
}

const quiet: ExecFileSyncOptions = { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 };

/** The machine's apt sources (deb822 `.sources` first, then one-line `sources.list`), parsed by grout's own parser. */
export function machineAptSources(root = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const dir = join(root, 'sources.list.d');
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.sources')) out.push(...parseDeb822Sources(readFileSync(path, 'utf8'), path, ARCH).sources);
    else if (name.endsWith('.list')) out.push(...parseSourcesList(readFileSync(path, 'utf8'), path, ARCH).sources);
  }
  const list = join(root, 'sources.list');
  if (existsSync(list)) out.push(...parseSourcesList(readFileSync(list, 'utf8'), list, ARCH).sources);
  return out;
}

/** The archive roots of bookworm and bookworm-security in the machine's apt configuration; undefined when either is absent. */
export function machineArchiveUrls(): ArchiveUrls | undefined {
  const sources = machineAptSources();
  const debian = sources.find((s) => s.suite === 'bookworm' && s.components.includes('main'))?.uri;
  const security = sources.find((s) => s.suite === 'bookworm-security' && s.components.includes('main'))?.uri;
  return debian === undefined || security === undefined ? undefined : { debian, security };
}

/** Debian's official image lists its sources this way (deb822, one file). */
export function officialSources(archive: ArchiveUrls): string {
  const stanza = (uri: string, suites: string) => `Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
  return `${stanza(archive.debian, 'bookworm bookworm-updates')}\n${stanza(archive.security, 'bookworm-security')}`;
}

export async function debianMainOnlyImage(): Promise<DebianMainOnlyImage> {
  const archive = machineArchiveUrls();
  if (archive === undefined) throw new Error("this machine's apt configuration names no bookworm and bookworm-security sources");
  const builder = readFileSync(fileURLToPath(import.meta.url));
  const key = createHash('sha256').update(builder).update(`\n${archive.debian}\n${archive.security}\n`).digest('hex').slice(0, 16);
  const dir = await cachedBuild(`debian-bookworm-main-only-${key}`, (out) => build(out, archive));
  return { ociLayout: join(dir, 'layout'), archive, installed: readFileSync(join(dir, 'installed.txt'), 'utf8').split('\n').filter(Boolean) };
}

function build(dir: string, archive: ArchiveUrls): void {
  const sources = join(dir, 'debian.sources');
  writeFileSync(sources, officialSources(archive));
  const base = join(dir, 'base.tar');
  const layout = join(dir, 'layout');
  const ref = `${layout}:${MAIN_ONLY_TAG}`;
  execFileSync(
    'mmdebstrap',
    [
      '--variant=minbase',
      '--quiet',
      `--architectures=${ARCH}`,
      // What the official image has: no one-line sources.list, the deb822 file listing all three suites.
      '--customize-hook=rm -f "$1/etc/apt/sources.list"',
      `--customize-hook=copy-in ${sources} /etc/apt/sources.list.d/`,
      'bookworm',
      base,
      `deb ${archive.debian} bookworm main`,
    ],
    quiet,
  );
  execFileSync('umoci', ['init', '--layout', layout], quiet);
  execFileSync('umoci', ['new', '--image', ref], quiet);
  execFileSync('umoci', ['raw', 'add-layer', '--image', ref, base, '--history.created_by', 'mmdebstrap --variant=minbase bookworm (main suite only)'], quiet);
  const listing = execFileSync('tar', ['-xOf', base, './var/lib/dpkg/status'], { maxBuffer: 1 << 26 }).toString('utf8');
  writeFileSync(join(dir, 'installed.txt'), `${installedFromStatus(listing).join('\n')}\n`);
  rmSync(base);
  rmSync(sources);
}

/** `name\tversion\tarch` of the installed packages of a dpkg status file, sorted. */
export function installedFromStatus(status: string): string[] {
  const out: string[] = [];
  for (const paragraph of status.split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(paragraph)?.[1]?.trim();
    if (!/ installed$/.test(field('Status') ?? '')) continue;
    out.push(`${field('Package')}\t${field('Version')}\t${field('Architecture')}`);
  }
  return out.sort();
}
