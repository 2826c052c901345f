/**
 * os/dpkg: Debian and Ubuntu packages from `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`,
 * their file lists in `var/lib/dpkg/info/` and licences from `usr/share/doc/<pkg>/copyright`.
 */
import type { ExtractContext, Extractor } from '../../../extractor.js';
import type { ExtractedPackage } from '../../../../core/model.js';
import { licensesFromCopyright } from './copyright.js';
import { attachOwnedFiles, FileLists, readStatusFile, sortPackages, type FoundPackage } from './read-database.js';

const statusPath = 'var/lib/dpkg/status';
const statusDir = 'var/lib/dpkg/status.d/';
const infoDir = 'var/lib/dpkg/info/';
const docDir = 'usr/share/doc/';

// Maintainer scripts and control files distroless images keep beside a status.d entry: not status paragraphs.
const controlSuffixes = ['.preinst', '.postinst', '.prerm', '.postrm', '.conffiles', '.list', '.triggers', '.shlibs', '.symbols', '.templates', '.config'];

function wantsDpkgPath(path: string): boolean {
  if (path.startsWith('var/lib/dpkg/')) {
    if (path === statusPath) return true;
    if (path.startsWith(statusDir)) {
      const name = path.slice(statusDir.length);
      return name !== '' && !name.includes('/') && !controlSuffixes.some((suffix) => name.endsWith(suffix));
    }
    if (path.startsWith(infoDir)) {
      const name = path.slice(infoDir.length);
      return !name.includes('/') && (name.endsWith('.list') || name.endsWith('.md5sums'));
    }
    return false;
  }
  if (path.startsWith(docDir) && path.endsWith('/copyright')) {
    const pkg = path.slice(docDir.length, -'/copyright'.length);
    return pkg !== '' && !pkg.includes('/');
  }
  return false;
}

/** The first of `<name>:<arch><ext>` (multi-arch: same) and `<name><ext>` in the view. */
function infoFile(ctx: ExtractContext, pkg: ExtractedPackage, ext: string): string | undefined {
  const candidates = pkg.arch === undefined ? [`${pkg.name}${ext}`] : [`${pkg.name}:${pkg.arch}${ext}`, `${pkg.name}${ext}`];
  for (const candidate of candidates) {
    const path = infoDir + candidate;
    if (ctx.view.read(path) !== undefined) return path;
  }
  return undefined;
}

/** Distroless: `status.d/<file>` paragraphs, and `status.d/<file>.md5sums` for the package named `<file>`. */
function readStatusDir(ctx: ExtractContext, files: FileLists): FoundPackage[] {
  const inDir = ctx.view.paths().filter((p) => p.startsWith(statusDir));
  const entries = new Set(inDir.filter((p) => !p.endsWith('.md5sums')));
  const found: FoundPackage[] = [];
  for (const entry of entries) {
    const packages = readStatusFile(ctx, entry, { statusRequired: false, licenseField: false });
    const base = entry.slice(statusDir.length);
    const sums = files.md5sums(`${entry}.md5sums`);
    if (sums !== undefined) {
      const owner = packages.find((f) => f.pkg.name === base) ?? (packages.length === 1 ? packages[0] : undefined);
      if (owner !== undefined) attachOwnedFiles(owner, undefined, sums);
    }
    found.push(...packages);
  }
  for (const path of inDir) {
    if (path.endsWith('.md5sums') && !entries.has(path.slice(0, -'.md5sums'.length))) {
      ctx.issue(path, 'digest list without a status.d entry of the same name; not a status file');
    }
  }
  return found;
}

function extractDpkg(ctx: ExtractContext): ExtractedPackage[] {
  const files = new FileLists(ctx);
  const found = [...readStatusFile(ctx, statusPath, { statusRequired: true, licenseField: false }), ...readStatusDir(ctx, files)];
  if (ctx.identityOnly) return sortPackages(found.map((f) => f.pkg));

  for (const entry of found) {
    if (entry.pkg.ownedFiles === undefined) {
      const list = infoFile(ctx, entry.pkg, '.list');
      const sums = infoFile(ctx, entry.pkg, '.md5sums');
      attachOwnedFiles(entry, list === undefined ? undefined : files.list(list), sums === undefined ? undefined : files.md5sums(sums));
    }
    const copyright = ctx.view.read(`${docDir}${entry.pkg.name}/copyright`);
    if (copyright !== undefined) entry.pkg.licenses = licensesFromCopyright(copyright);
  }
  return sortPackages(found.map((f) => f.pkg));
}

/**
 * The dpkg extractor, listed in `catalog/extractors/index.ts`. Installed packages only (Status state `installed`,
 * `triggers-pending` or `triggers-awaited`; a distroless status.d entry has no Status and counts as installed),
 * sorted by name, architecture, version.
 *
 * @example
 * const packages = await dpkgExtractor.extract({ view, distro, issue: (path, reason) => issues.push({ path, reason }) });
 * // [{ ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b7', arch: 'amd64', source: { name: 'bash', version: '5.2.15-2' }, … }]
 */
export const dpkgExtractor: Extractor = {
  name: 'os/dpkg',
  version: 1,
  maxFileBytes: 64 * 1024 * 1024,
  wants: wantsDpkgPath,
  extract: extractDpkg,
};
