/**
 * The patch layer: what `dpkg --unpack && dpkg --configure` of some .debs would change in an image, as one OCI
 * layer, written in TypeScript without running any of the packages' code. Files the old versions owned and the
 * new ones do not are removed with whiteouts; the dpkg database (status file and info/ files, or the distroless
 * status.d/ entries) is updated so dpkg itself sees a sound system.
 */
import { GroutError } from '../../core/errors.js';
import { debDataEntries, readDebControl, type ControlField, type DebControl } from '../deb/index.js';
import { installedParagraph, statusConffiles, type StatusConffile } from './dpkg-status.js';
import { DpkgDatabase, INFO, STATUS, STATUS_D, type InstalledPackage } from './installed-packages.js';
import { LayerTarWriter, type WrittenLayerBlob } from './layer-tar.js';
import { resolveInRootfs, type RootfsView } from './rootfs-view.js';
import { scriptWarnings } from './script-check.js';

export interface PatchLayerInput {
  /** The merged root file system of the layers the patched image keeps (see `readRootfsView`). */
  rootfs: RootfsView;
  /** .deb files to install: upgrades of installed packages and new packages. */
  debs: readonly string[];
  /** Where to write the gzip'd layer blob. */
  out: string;
  /** Modification time of the database files written (injected, for reproducible layers). */
  time: Date;
}

export interface PackageChange {
  package: string;
  architecture: string;
  /** The version replaced; absent for a new package. */
  from?: string;
  to: string;
  deb: string;
  database: 'status' | 'status.d';
}

export interface PatchLayer extends WrittenLayerBlob {
  changes: PackageChange[];
  /** Maintainer scripts not run, conflicts between packages, conffiles kept. */
  warnings: string[];
  /** Paths removed by whiteouts (no leading slash), sorted. */
  removed: string[];
  /** Conffiles the user changed, kept as they are; the package's version is written beside as `<path>.dpkg-dist`. */
  keptConffiles: string[];
}

interface Planned {
  control: DebControl;
  old: InstalledPackage | undefined;
  database: 'status' | 'status.d';
  infoName: string;
  /** Paths written to `.list`, in archive order (`/.` first). */
  listed: string[];
  /** Regular files: path → md5 of the package's bytes. */
  md5: Map<string, string>;
}

const LIVE_DPKG_MODE = 0o644;

/**
 * Write the patch layer for `debs` on top of `rootfs`. Throws a GroutError when a .deb is malformed or unsafe, or
 * the image has no dpkg database; nothing useful is left in `out` then.
 *
 * @example
 * const layer = await buildPatchLayer({ rootfs, debs: ['zlib1g_1.2.13.dfsg-1+deb12u1_amd64.deb'], out: '/tmp/layer.tgz', time });
 * layer.changes; // [{ package: 'zlib1g', from: '1:1.2.13.dfsg-1', to: '1:1.2.13.dfsg-1+deb12u1', … }]
 */
export async function buildPatchLayer(input: PatchLayerInput): Promise<PatchLayer> {
  const { rootfs, time } = input;
  const db = DpkgDatabase.read(rootfs);
  if (db.status === undefined && !db.hasStatusDir) {
    throw new GroutError('E_IMAGE_FORMAT', 'the image has no dpkg database (var/lib/dpkg/status or status.d/); grout fix patches Debian-based images', { file: STATUS });
  }
  const plans: Planned[] = [];
  const warnings: string[] = [];
  for (const deb of input.debs) {
    const control = await readDebControl(deb);
    const key = `${control.package}:${control.architecture}`;
    if (plans.some((p) => p.control.package === control.package && (p.control.architecture === control.architecture || control.multiArch !== 'same'))) {
      throw new GroutError('E_USAGE', `${deb}: ${key} is given twice`, { file: deb });
    }
    const old = db.find(control.package, control.architecture, control.multiArch);
    const database = old?.record.kind ?? (db.status !== undefined ? 'status' : 'status.d');
    const infoName = control.multiArch === 'same' ? key : control.package;
    plans.push({ control, old, database, infoName, listed: [], md5: new Map() });
    warnings.push(...scriptWarnings(control));
  }

  const writer = new LayerTarWriter(input.out);
  try {
    const written = new Set<string>(); // layer paths written (resolved)
    const claimed = new Set<string>(); // resolved paths the new packages ship (dirs included)
    const keptConffiles: string[] = [];
    const layerPathOf = new Map<string, string>(); // package path → layer path, for hard links

    for (const plan of plans) {
      const oldConffiles = plan.old === undefined ? new Map<string, { md5: string; obsolete: boolean }>() : statusConffiles(plan.old.fields);
      const newConffiles = new Set(plan.control.conffiles);
      for await (const entry of debDataEntries(plan.control.file)) {
        if (entry.path === '') {
          plan.listed.push('/.');
          continue;
        }
        plan.listed.push(`/${entry.path}`);
        let target = resolveInRootfs(rootfs, entry.path);
        claimed.add(target);
        const header = { mode: entry.mode, uid: entry.uid, gid: entry.gid, uname: entry.uname, gname: entry.gname, mtime: entry.mtime };
        if (entry.type === 'dir') {
          // Keep what the image has at a directory's place: a directory, or a symlink to one (usrmerge's /lib).
          const existing = rootfs.node(target);
          if (existing?.type === 'dir' || (existing?.type === 'symlink' && rootfs.node(resolveInRootfs(rootfs, entry.path, true))?.type === 'dir')) continue;
          if (written.has(target)) continue;
          writer.addNode({ ...header, path: target, type: 'dir' });
          written.add(target);
          continue;
        }
        if (written.has(target)) warnings.push(`/${entry.path} is shipped by more than one package; the last one wins`);
        if (entry.type === 'symlink') {
          writer.addNode({ ...header, path: target, type: 'symlink', linkTarget: entry.linkTarget! });
        } else if (entry.type === 'hardlink') {
          const linked = layerPathOf.get(entry.linkTarget!);
          if (linked === undefined) {
            warnings.push(`${plan.control.package}: hard link /${entry.path} points at /${entry.linkTarget}, which this layer does not hold; skipped`);
            continue;
          }
          writer.addNode({ ...header, path: target, type: 'hardlink', linkTarget: linked });
        } else {
          if (newConffiles.has(entry.path)) {
            const recorded = oldConffiles.get(`/${entry.path}`);
            const current = rootfs.node(target);
            // dpkg's default: a conffile the user changed (its md5 differs from the one recorded) is kept.
            if (recorded !== undefined && current?.type === 'file' && current.md5 !== undefined && current.md5 !== recorded.md5) {
              keptConffiles.push(entry.path);
              target = `${target}.dpkg-dist`;
            }
          }
          const md5 = await writer.addFile({ ...header, path: target, type: 'file' }, entry.size, entry.stream());
          plan.md5.set(entry.path, md5);
        }
        layerPathOf.set(entry.path, target);
        written.add(target);
      }
    }

    const databaseFiles = new Set<string>();
    const writeDb = async (path: string, content: Buffer | string, mode = LIVE_DPKG_MODE): Promise<void> => {
      await writer.addFile({ path, type: 'file', mode, mtime: time }, Buffer.byteLength(content), Buffer.from(content));
      databaseFiles.add(path);
    };
    const changes: PackageChange[] = [];
    for (const plan of plans) {
      const { control } = plan;
      const sums = control.md5sums !== undefined ? control.members.find((m) => m.name === 'md5sums')!.content : generatedMd5sums(plan);
      const conffiles = conffilesOf(plan);
      if (plan.database === 'status') {
        await writeDb(`${INFO}/${plan.infoName}.list`, `${plan.listed.join('\n')}\n`);
        await writeDb(`${INFO}/${plan.infoName}.md5sums`, sums);
        for (const member of control.members) {
          if (member.name === 'md5sums' || !/^[a-z0-9_-]+$/.test(member.name)) continue;
          await writeDb(`${INFO}/${plan.infoName}.${member.name}`, member.content, member.mode & 0o777);
        }
        const fields = installedParagraph(control.fields.map(latin1Field), conffiles);
        if (plan.old?.record.kind === 'status') db.status!.replace(plan.old.record.paragraph, fields);
        else db.status!.insert(fields);
      } else {
        const file = plan.old?.record.kind === 'status.d' ? plan.old.record.file : control.package;
        await writeDb(`${STATUS_D}/${file}`, control.text.endsWith('\n') ? control.text : `${control.text}\n`);
        await writeDb(`${STATUS_D}/${file}.md5sums`, sums);
      }
      changes.push({
        package: control.package,
        architecture: control.architecture,
        ...(plan.old?.installed ? { from: plan.old.version } : {}),
        to: control.version,
        deb: control.file,
        database: plan.database,
      });
    }
    if (plans.some((p) => p.database === 'status')) await writeDb(STATUS, Buffer.from(db.status!.toString(), 'latin1'));

    const removed = removals(rootfs, db, plans, written, claimed, databaseFiles);
    for (const path of removed) writer.addWhiteout(path, time);
    for (const path of keptConffiles) warnings.push(`/${path} was changed in the image and is kept; the new version is beside it as /${path}.dpkg-dist`);
    const blob = await writer.finish();
    return { ...blob, changes, warnings, removed, keptConffiles };
  } catch (err) {
    writer.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

function latin1Field(field: ControlField): ControlField {
  return { name: field.name, value: Buffer.from(field.value, 'utf8').toString('latin1') };
}

function generatedMd5sums(plan: Planned): string {
  // dpkg generates the list itself when a package ships none; conffiles are left out, as in packages' own lists.
  const conffiles = new Set(plan.control.conffiles);
  return [...plan.md5].filter(([path]) => !conffiles.has(path)).map(([path, md5]) => `${md5}  ${path}\n`).join('');
}

/** The new Conffiles field: shipped conffiles with the package's md5, then old ones no longer shipped as obsolete. */
function conffilesOf(plan: Planned): StatusConffile[] {
  const out: StatusConffile[] = [];
  for (const path of plan.control.conffiles) {
    const md5 = plan.md5.get(path);
    if (md5 !== undefined) out.push({ path: `/${path}`, md5 });
  }
  if (plan.old !== undefined) {
    for (const [path, old] of statusConffiles(plan.old.fields)) {
      if (!out.some((c) => c.path === path)) out.push({ path, md5: old.md5, obsolete: true });
    }
  }
  return out;
}

/**
 * Paths to white out: what the replaced versions owned that no new package ships and no other installed package
 * owns (conffiles stay, as dpkg keeps them), directories only once empty; plus the old info files not rewritten.
 */
function removals(rootfs: RootfsView, db: DpkgDatabase, plans: Planned[], written: Set<string>, claimed: Set<string>, databaseFiles: Set<string>): string[] {
  const replaced = new Set(plans.map((p) => p.old).filter((p): p is InstalledPackage => p !== undefined));
  const others = new Set<string>();
  for (const pkg of db.packages) {
    if (replaced.has(pkg) || !pkg.installed) continue;
    for (const path of db.ownedPaths(pkg)) others.add(resolveInRootfs(rootfs, path));
  }
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const plan of plans) {
    if (plan.old === undefined) continue;
    const conffiles = statusConffiles(plan.old.fields);
    for (const path of db.ownedPaths(plan.old)) {
      if (conffiles.has(`/${path}`)) continue;
      const target = resolveInRootfs(rootfs, path);
      if (claimed.has(target) || written.has(target) || others.has(target)) continue;
      const node = rootfs.node(target);
      if (node === undefined) continue;
      (node.type === 'dir' ? dirs : files).add(target);
    }
    for (const path of db.infoFiles(plan.old)) if (!databaseFiles.has(path)) files.add(path);
    if (plan.old.record.kind === 'status.d' && plan.old.record.file !== plan.control.package) {
      // The entry keeps its file name; nothing to remove.
    }
  }
  // Deepest directories first, so a parent sees its emptied children.
  for (const dir of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const prefix = `${dir}/`;
    const empty = rootfs.children(dir).every((name) => files.has(prefix + name));
    if (empty && ![...written].some((w) => w.startsWith(prefix))) files.add(dir);
  }
  // A whiteout of a directory covers everything below it.
  const sorted = [...files].sort();
  return sorted.filter((path) => !sorted.some((other) => path.startsWith(`${other}/`)));
}
