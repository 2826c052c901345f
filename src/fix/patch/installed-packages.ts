/**
 * What the image's dpkg database says about installed packages: where each is recorded (the status file or a
 * distroless `status.d/` entry), its info files and the paths it owns.
 */
import { fieldValue, parseControlParagraph, type ControlField } from '../deb/index.js';
import { StatusFile, type StatusParagraph } from './dpkg-status.js';
import type { RootfsView } from './rootfs-view.js';

export const STATUS = 'var/lib/dpkg/status';
export const STATUS_D = 'var/lib/dpkg/status.d';
export const INFO = 'var/lib/dpkg/info';

const INSTALLED_STATES = new Set(['installed', 'triggers-pending', 'triggers-awaited', 'half-configured', 'unpacked', 'half-installed']);
const STATUS_D_SUFFIXES = /\.(md5sums|preinst|postinst|prerm|postrm|conffiles|list|triggers|shlibs|symbols|templates|config)$/;

export interface InstalledPackage {
  name: string;
  architecture: string;
  version: string;
  /** Whether dpkg counts it as present (not `config-files`/`not-installed`). */
  installed: boolean;
  fields: ControlField[];
  record: { kind: 'status'; paragraph: StatusParagraph } | { kind: 'status.d'; file: string };
  /** `info/<infoName>.list` for status-file packages (`name` or `name:arch`). */
  infoName?: string;
}

export class DpkgDatabase {
  readonly packages: InstalledPackage[] = [];

  private constructor(
    private readonly view: RootfsView,
    readonly status: StatusFile | undefined,
    readonly hasStatusDir: boolean,
  ) {}

  /** The status file is decoded as latin1, so unchanged bytes are written back exactly whatever their encoding. */
  static read(view: RootfsView): DpkgDatabase {
    const raw = view.read(STATUS);
    const status = raw === undefined ? undefined : StatusFile.parse(raw.toString('latin1'));
    const statusD = view.node(STATUS_D)?.type === 'dir' ? view.children(STATUS_D) : [];
    const db = new DpkgDatabase(view, status, statusD.length > 0 || view.node(STATUS_D)?.type === 'dir');
    for (const p of status?.paragraphs() ?? []) {
      if (p.package === '') continue;
      const version = (fieldValue(p.fields, 'Version') ?? '').trim();
      const qualified = `${p.package}:${p.architecture}`;
      const infoName = view.node(`${INFO}/${qualified}.list`) !== undefined ? qualified : p.package;
      db.packages.push({ name: p.package, architecture: p.architecture, version, installed: INSTALLED_STATES.has(p.state), fields: p.fields, record: { kind: 'status', paragraph: p }, infoName });
    }
    for (const file of statusD) {
      if (STATUS_D_SUFFIXES.test(file)) continue;
      const text = view.read(`${STATUS_D}/${file}`);
      if (text === undefined) continue;
      const fields = parseControlParagraph(text.toString('latin1'));
      const name = (fieldValue(fields, 'Package') ?? '').trim();
      if (name === '') continue;
      db.packages.push({
        name,
        architecture: (fieldValue(fields, 'Architecture') ?? '').trim(),
        version: (fieldValue(fields, 'Version') ?? '').trim(),
        installed: true,
        fields,
        record: { kind: 'status.d', file },
      });
    }
    return db;
  }

  /** The installed instance a new .deb replaces: same name, and the same architecture for Multi-Arch: same. */
  find(name: string, architecture: string, multiArch: string | undefined): InstalledPackage | undefined {
    const same = this.packages.filter((p) => p.name === name);
    const exact = same.find((p) => p.architecture === architecture);
    if (exact !== undefined || multiArch === 'same') return exact;
    return same.find((p) => p.installed) ?? same[0];
  }

  /** Paths a package owns (no leading slash): its `.list`, else its md5sums. Directories are included. */
  ownedPaths(pkg: InstalledPackage): string[] {
    const lines = (path: string): string[] | undefined => this.view.read(path)?.toString('latin1').split('\n');
    if (pkg.record.kind === 'status') {
      const list = lines(`${INFO}/${pkg.infoName}.list`);
      if (list !== undefined) return list.map(clean).filter((p): p is string => p !== undefined);
      const sums = lines(`${INFO}/${pkg.infoName}.md5sums`);
      return (sums ?? []).map(md5sumPath).filter((p): p is string => p !== undefined);
    }
    const sums = lines(`${STATUS_D}/${pkg.record.file}.md5sums`);
    return (sums ?? []).map(md5sumPath).filter((p): p is string => p !== undefined);
  }

  /** `info/<infoName>.<suffix>` files of a status-file package. */
  infoFiles(pkg: InstalledPackage): string[] {
    if (pkg.record.kind !== 'status' || pkg.infoName === undefined) return [];
    const prefix = `${pkg.infoName}.`;
    return this.view
      .children(INFO)
      .filter((f) => f.startsWith(prefix) && /^[a-z0-9_-]+$/.test(f.slice(prefix.length)))
      .map((f) => `${INFO}/${f}`);
  }
}

function clean(line: string): string | undefined {
  const path = line.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '' || path === '.') return undefined;
  return path.split('/').some((s) => s === '..') ? undefined : path;
}

function md5sumPath(line: string): string | undefined {
  const match = /^[0-9a-fA-F]{32} [ *]?(.+)$/.exec(line);
  return match === null ? undefined : clean(match[1]!);
}
