/**
 * Reading a Debian binary package (.deb): its control information and the entries of its data archive, streamed
 * from disk. See deb(5): an ar archive of `debian-binary`, `control.tar[.gz|.xz|.zst]`, `data.tar[.gz|.xz|.zst]`.
 */
import { GroutError } from '../../core/errors.js';
import { fieldValue, parseControlParagraph, type ControlField } from './control-fields.js';
import { memberStream, openDeb } from './deb-members.js';
import { defaultDebTarLimits, normaliseDebPath, readDebTar, type DebEntry, type DebTarLimits } from './deb-tar.js';

export type { DebEntry, DebTarLimits } from './deb-tar.js';

export const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'] as const;
export type MaintainerScriptName = (typeof MAINTAINER_SCRIPTS)[number];

/** One file of control.tar other than `control`, as dpkg keeps it in `var/lib/dpkg/info/<pkg>.<name>`. */
export interface ControlMember {
  name: string;
  mode: number;
  content: Buffer;
}

export interface DebControl {
  file: string;
  /** The `control` file as shipped. */
  text: string;
  fields: ControlField[];
  package: string;
  version: string;
  architecture: string;
  /** `same`, `foreign`, `allowed`, or undefined when the field is absent. */
  multiArch?: string;
  /** `md5sums` lines: path (no leading slash) → md5 hex; undefined when the package ships none. */
  md5sums?: Map<string, string>;
  /** Conffile paths without the leading slash, from `conffiles` (`remove-on-upgrade` lines excluded). */
  conffiles: string[];
  scripts: { name: MaintainerScriptName; text: string }[];
  /** Every control member but `control`, in archive order. */
  members: ControlMember[];
}

const MAX_CONTROL_BYTES = 64 * 1024 * 1024;
const MAX_CONTROL_MEMBER = 16 * 1024 * 1024;

/**
 * Control fields, md5sums, conffiles and maintainer scripts of a .deb.
 *
 * @example
 * const control = await readDebControl('zlib1g_1.2.13.dfsg-1_amd64.deb');
 * control.package; // 'zlib1g'
 */
export async function readDebControl(file: string): Promise<DebControl> {
  const deb = await openDeb(file);
  const where = `${file}:${deb.control.name}`;
  const members: ControlMember[] = [];
  let control: string | undefined;
  for await (const entry of readDebTar(memberStream(file, deb.control, MAX_CONTROL_BYTES), where, { ...defaultDebTarLimits, maxEntryBytes: MAX_CONTROL_MEMBER, maxEntries: 1000 })) {
    if (entry.type !== 'file' || entry.path === '' || entry.path.includes('/')) continue;
    const content = await entry.read();
    if (entry.path === 'control') control = content.toString('utf8');
    else members.push({ name: entry.path, mode: entry.mode, content });
  }
  if (control === undefined) throw new GroutError('E_INPUT_FORMAT', `${where}: no control file`, { file });
  const problems: string[] = [];
  const fields = parseControlParagraph(control, (reason) => problems.push(reason));
  const single = (name: string): string | undefined => fieldValue(fields, name)?.trim() || undefined;
  const pkg = single('Package');
  const version = single('Version');
  const architecture = single('Architecture');
  if (pkg === undefined || version === undefined || architecture === undefined) {
    throw new GroutError('E_INPUT_FORMAT', `${where}: the control file lacks Package, Version or Architecture${problems.length ? ` (${problems[0]})` : ''}`, { file });
  }
  if (!/^[a-z0-9][a-z0-9+.-]*$/.test(pkg)) throw new GroutError('E_INPUT_FORMAT', `${where}: invalid package name ${JSON.stringify(pkg)}`, { file });
  if (!/^[A-Za-z0-9.+~:-]+$/.test(version)) throw new GroutError('E_INPUT_FORMAT', `${where}: invalid version ${JSON.stringify(version)}`, { file });
  if (!/^[a-z0-9-]+$/.test(architecture)) throw new GroutError('E_INPUT_FORMAT', `${where}: invalid architecture ${JSON.stringify(architecture)}`, { file });
  const member = (name: string): Buffer | undefined => members.find((m) => m.name === name)?.content;
  const sums = member('md5sums');
  const conffilesText = member('conffiles');
  const multiArch = single('Multi-Arch');
  return {
    file,
    text: control,
    fields,
    package: pkg,
    version,
    architecture,
    ...(multiArch !== undefined ? { multiArch } : {}),
    ...(sums !== undefined ? { md5sums: parseDebMd5sums(sums.toString('utf8'), where) } : {}),
    conffiles: conffilesText === undefined ? [] : parseDebConffiles(conffilesText.toString('utf8'), where),
    scripts: MAINTAINER_SCRIPTS.flatMap((name) => {
      const text = member(name);
      return text === undefined ? [] : [{ name, text: text.toString('utf8') }];
    }),
    members,
  };
}

/**
 * The entries of the package's data archive, streamed: read each entry's content (if wanted) before asking for
 * the next. Paths are normalised (`./usr/bin/x` → `usr/bin/x`, the root is `''`).
 *
 * @example
 * for await (const entry of debDataEntries(deb)) if (entry.type === 'file') hash(await entry.read());
 */
export async function* debDataEntries(file: string, limits: Partial<DebTarLimits> = {}): AsyncGenerator<DebEntry> {
  const deb = await openDeb(file);
  const all = { ...defaultDebTarLimits, ...limits };
  // The decompressed total is capped as well: entries × size cap bounds any honest package.
  yield* readDebTar(memberStream(file, deb.data, Number.MAX_SAFE_INTEGER), `${file}:${deb.data.name}`, all);
}

/**
 * One regular file of the data archive (e.g. `usr/share/doc/<pkg>/changelog.Debian.gz`), or undefined when the
 * package has no such file. Hard links are followed.
 */
export async function readDebMember(file: string, path: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer | undefined> {
  // The caller's path may be written absolute (`/usr/share/doc/…`); tar entries may not.
  return readMember(file, normaliseDebPath(path.replace(/^\/+/, ''), file), maxBytes, 0);
}

async function readMember(file: string, wanted: string, maxBytes: number, depth: number): Promise<Buffer | undefined> {
  if (depth > 8) throw new GroutError('E_INPUT_FORMAT', `${file}: hard links to ${wanted} form a chain or a loop`, { file });
  for await (const entry of debDataEntries(file, { maxEntryBytes: Math.max(maxBytes, defaultDebTarLimits.maxEntryBytes) })) {
    if (entry.type === 'hardlink' && entry.path === wanted && entry.linkTarget !== undefined) {
      // dpkg-deb writes the target first; read it again by name.
      return readMember(file, entry.linkTarget, maxBytes, depth + 1);
    }
    if (entry.path !== wanted || entry.type !== 'file') continue;
    if (entry.size > maxBytes) throw new GroutError('E_TOO_LARGE', `${file}: ${wanted} is ${entry.size} bytes, more than ${maxBytes}`, { file });
    return await entry.read(); // awaited inside the loop: leaving it ends the stream
  }
  return undefined;
}

/** `<md5>  <path>` lines → path → md5. Lines that do not fit are an error: dpkg writes them itself. */
export function parseDebMd5sums(text: string, where: string): Map<string, string> {
  const sums = new Map<string, string>();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo += 1;
    if (line.trim() === '') continue;
    const match = /^([0-9a-f]{32}) [ *]?(.+)$/.exec(line);
    if (match === null) throw new GroutError('E_INPUT_FORMAT', `${where}: md5sums line ${lineNo} is not "<md5>  <path>"`, { file: where });
    sums.set(normaliseDebPath(match[2]!, `${where}: md5sums`), match[1]!);
  }
  return sums;
}

/** Absolute paths, one a line; `remove-on-upgrade` lines name files the new version deletes, not ships. */
export function parseDebConffiles(text: string, where: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('remove-on-upgrade ')) continue;
    if (!trimmed.startsWith('/')) throw new GroutError('E_INPUT_FORMAT', `${where}: conffile ${JSON.stringify(trimmed)} is not an absolute path`, { file: where });
    const path = normaliseDebPath(trimmed.slice(1), `${where}: conffiles`);
    if (path !== '') out.push(path);
  }
  return out;
}
