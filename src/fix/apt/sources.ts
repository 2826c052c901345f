/**
 * The APT sources of an image: `etc/apt/sources.list`, `etc/apt/sources.list.d/*.list` (one-line format) and
 * `*.sources` (deb822), as sources.list(5) describes them, plus `--repo` overrides. Only `deb` entries are kept
 * (grout installs binaries, never builds from `deb-src`).
 */
import { GroutError } from '../../core/errors.js';

/** Read access to the image's root file system; `RootfsView` of fix/patch fits. Paths have no leading slash. */
export interface ImageFiles {
  read(path: string): Buffer | undefined;
  /** Names directly inside a directory (any order); empty when absent. */
  children(dir: string): string[];
}

/** ImageFiles over anything that lists its paths (the catalog's FileView, a test's in-memory view). */
export function imageFilesOf(view: { read(path: string): Buffer | undefined; paths(): readonly string[] }): ImageFiles {
  return {
    read: (path) => view.read(path),
    children(dir) {
      const prefix = `${dir.replace(/\/+$/, '')}/`;
      const names = new Set<string>();
      for (const p of view.paths()) if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0] ?? '');
      names.delete('');
      return [...names];
    },
  };
}

/** Which keys may sign a source's release file (sources.list(5) `signed-by`). */
export interface SignedBy {
  /** Absolute in-image paths of keyring files (`.gpg` binary or `.asc` armored). */
  files: string[];
  /** Key fingerprints, looked up in the default keyrings. */
  fingerprints: string[];
  /** Armored key blocks written inline in a deb822 `Signed-By` field. */
  armored: string[];
}

export interface AptSource {
  /** Where it was declared, e.g. `etc/apt/sources.list:3`, `etc/apt/sources.list.d/debian.sources#1`, `--repo`. */
  origin: string;
  /** The archive root, without a trailing slash, e.g. `http://deb.example/debian`. */
  uri: string;
  /** The suite or codename (`bookworm-security`), or for a flat repository the path ending in `/`. */
  suite: string;
  /** Empty for a flat repository. */
  components: string[];
  /** `arch=` restriction, when given. */
  architectures?: string[];
  signedBy?: SignedBy;
  /** `trusted=yes`: apt would skip signature checks. grout refuses such sources unless explicitly allowed. */
  trusted: boolean;
  /** `check-valid-until=no` turns the Valid-Until check off (snapshot mirrors). */
  checkValidUntil: boolean;
}

export interface SourceIssue {
  path: string;
  reason: string;
}

export interface SourceListOptions {
  /** The image's dpkg architecture, substituted for `$(ARCH)`. */
  arch: string;
  /**
   * `--repo` values. A full one-line source (`deb [signed-by=…] URI SUITE COMPONENT…`) replaces the image's
   * sources (all full lines together are the new list); a bare URL is a mirror that replaces the URI of the
   * image's sources (with several mirrors, each source takes the mirror whose last path segment matches its own,
   * e.g. `…/debian-security` for `…/debian-security`).
   */
  repos?: readonly string[];
  /** Accept `trusted=yes` sources (release signatures not checked). */
  allowUnsigned?: boolean;
}

export interface SourceList {
  sources: AptSource[];
  issues: SourceIssue[];
}

const LIST_DIR = 'etc/apt/sources.list.d';
const MAIN_LIST = 'etc/apt/sources.list';
/** apt ignores files in sources.list.d whose names have other characters (Dir::Ignore-Files-Silently). */
const PART_NAME = /^[A-Za-z0-9_.-]+\.(list|sources)$/;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 512;
const MAX_SOURCES = 2048;
const MAX_LINE = 8192;
const SUPPORTED_SCHEMES = /^(https?|file):/i;

/**
 * The `deb` sources an image declares, with `--repo` overrides applied. Sources marked `trusted=yes` in the image
 * are left out with an issue unless `allowUnsigned`; a `--repo` line with `trusted=yes` is an E_SIGNATURE error
 * unless `allowUnsigned`. No sources at all is E_USAGE.
 * @example aptSources(rootfs, { arch: 'amd64', repos: ['http://127.0.0.1:8080/debian'] })
 */
export function aptSources(files: ImageFiles, options: SourceListOptions): SourceList {
  const repos = options.repos ?? [];
  const lines = repos.filter((r) => !isBareUrl(r));
  const mirrors = repos.filter(isBareUrl).map(trimSlash);
  const issues: SourceIssue[] = [];
  let sources: AptSource[];
  if (lines.length > 0) {
    sources = [];
    for (const line of lines) {
      const parsed = parseOneLine(line, '--repo', options.arch);
      if (typeof parsed === 'string') throw new GroutError('E_USAGE', `--repo ${JSON.stringify(line)}: ${parsed}`, { hint: 'write a source line such as "deb [signed-by=/path/key.gpg] http://host/debian bookworm main", or a mirror URL' });
      if (parsed === undefined) continue;
      if (parsed.trusted && options.allowUnsigned !== true) {
        throw new GroutError('E_SIGNATURE', `--repo ${JSON.stringify(line)} is marked trusted=yes: its packages could not be checked against a signature`, { hint: 'drop trusted=yes and give its key with signed-by= or --keyring, or allow unsigned repositories explicitly' });
      }
      sources.push(parsed);
    }
  } else {
    const found = readImageSources(files, options.arch);
    issues.push(...found.issues);
    sources = [];
    for (const source of found.sources) {
      if (source.trusted && options.allowUnsigned !== true) {
        issues.push({ path: source.origin, reason: `not used: marked trusted=yes, so nothing would check what it serves (allow unsigned repositories explicitly to use it)` });
        continue;
      }
      sources.push(source);
    }
  }
  if (mirrors.length > 0) sources = sources.map((s) => ({ ...s, uri: pickMirror(s, mirrors) }));
  if (sources.length === 0) {
    throw new GroutError('E_USAGE', 'the image declares no usable APT sources (etc/apt/sources.list, etc/apt/sources.list.d/)', { hint: 'give one with --repo "deb http://host/debian <suite> main"' });
  }
  return { sources: dedupe(sources), issues };
}

/** The sources declared in the image's files, in apt's order: sources.list, then sources.list.d/ sorted by name. */
export function readImageSources(files: ImageFiles, arch: string): SourceList {
  const sources: AptSource[] = [];
  const issues: SourceIssue[] = [];
  const paths = [MAIN_LIST, ...files.children(LIST_DIR).filter((n) => PART_NAME.test(n)).sort().slice(0, MAX_FILES).map((n) => `${LIST_DIR}/${n}`)];
  for (const path of paths) {
    const bytes = files.read(path);
    if (bytes === undefined) continue;
    if (bytes.length > MAX_FILE_BYTES) {
      issues.push({ path, reason: `larger than ${MAX_FILE_BYTES} bytes; not read` });
      continue;
    }
    const text = bytes.toString('utf8');
    const parsed = path.endsWith('.sources') ? parseDeb822Sources(text, path, arch) : parseSourcesList(text, path, arch);
    sources.push(...parsed.sources);
    issues.push(...parsed.issues);
    if (sources.length > MAX_SOURCES) {
      issues.push({ path, reason: `more than ${MAX_SOURCES} sources; the rest ignored` });
      sources.length = MAX_SOURCES;
      break;
    }
  }
  return { sources, issues };
}

/** Parse a one-line-format file (sources.list). Lines that are not `deb` (deb-src, comments) are skipped. */
export function parseSourcesList(text: string, path: string, arch: string): SourceList {
  const sources: AptSource[] = [];
  const issues: SourceIssue[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && sources.length < MAX_SOURCES; i++) {
    const line = lines[i] ?? '';
    const origin = `${path}:${i + 1}`;
    if (line.length > MAX_LINE) {
      issues.push({ path: origin, reason: `line longer than ${MAX_LINE} characters` });
      continue;
    }
    const parsed = parseOneLine(line, origin, arch);
    if (typeof parsed === 'string') issues.push({ path: origin, reason: parsed });
    else if (parsed !== undefined) sources.push(parsed);
  }
  return { sources, issues };
}

/**
 * One line: undefined for blank, comment and non-`deb` lines, a reason string when malformed.
 * `deb [ option=value … ] uri suite [component …]`
 */
export function parseOneLine(raw: string, origin: string, arch: string): AptSource | string | undefined {
  const hash = raw.indexOf('#');
  let line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
  if (line === '') return undefined;
  const type = /^(\S+)\s*/.exec(line);
  if (type === null || type[1] === undefined) return undefined;
  if (type[1] !== 'deb') return type[1] === 'deb-src' ? undefined : `unknown source type ${JSON.stringify(type[1])}`;
  line = line.slice(type[0].length);
  const options: [string, string, string][] = [];
  if (line.startsWith('[')) {
    const close = line.indexOf(']');
    if (close < 0) return 'an option list "[" without "]"';
    for (const word of line.slice(1, close).trim().split(/\s+/).filter((w) => w !== '')) {
      const m = /^([A-Za-z][A-Za-z-]*)([+-]?=)(.*)$/.exec(word);
      if (m === null || m[1] === undefined || m[2] === undefined || m[3] === undefined) return `a malformed option ${JSON.stringify(word)}`;
      options.push([m[1].toLowerCase(), m[2], m[3]]);
    }
    line = line.slice(close + 1).trim();
  }
  const words = line.split(/\s+/).filter((w) => w !== '');
  const [uri, suite, ...components] = words;
  if (uri === undefined || suite === undefined) return 'a deb line needs a URI and a suite';
  const source: AptSource = { origin, uri: '', suite: substitute(suite, arch), components, trusted: false, checkValidUntil: true };
  for (const [name, op, value] of options) {
    const list = substitute(value, arch).split(',').filter((v) => v !== '');
    if (name === 'arch' && op === '=') source.architectures = list;
    else if (name === 'signed-by') source.signedBy = signedByOf(list);
    else if (name === 'trusted') source.trusted = value === 'yes';
    else if (name === 'check-valid-until') source.checkValidUntil = value !== 'no';
    // lang=, target=, pdiffs=, by-hash=, arch+=/-= … do not change what grout fetches.
  }
  return finish(source, uri, arch);
}

/** Parse a deb822 `.sources` file: one stanza per group of sources, `Enabled: no` stanzas skipped. */
export function parseDeb822Sources(text: string, path: string, arch: string): SourceList {
  const sources: AptSource[] = [];
  const issues: SourceIssue[] = [];
  const stanzas = splitStanzas(text);
  stanzas.forEach((fields, index) => {
    const origin = `${path}#${index + 1}`;
    const get = (name: string): string | undefined => fields.get(name.toLowerCase());
    if ((get('Enabled') ?? 'yes').trim().toLowerCase() === 'no') return;
    const types = words(get('Types'));
    if (types.length === 0) {
      issues.push({ path: origin, reason: 'a stanza without Types' });
      return;
    }
    if (!types.includes('deb')) return;
    const uris = words(get('URIs'));
    const suites = words(get('Suites'));
    if (uris.length === 0 || suites.length === 0) {
      issues.push({ path: origin, reason: 'a stanza needs URIs and Suites' });
      return;
    }
    const components = words(get('Components'));
    const architectures = words(get('Architectures')).map((a) => substitute(a, arch));
    const signed = get('Signed-By');
    const base = {
      origin,
      components,
      trusted: (get('Trusted') ?? '').trim().toLowerCase() === 'yes',
      checkValidUntil: (get('Check-Valid-Until') ?? '').trim().toLowerCase() !== 'no',
      ...(architectures.length > 0 ? { architectures } : {}),
      ...(signed === undefined || signed.trim() === '' ? {} : { signedBy: signedByField(signed) }),
    };
    for (const uri of uris) {
      for (const suite of suites) {
        if (sources.length >= MAX_SOURCES) return;
        const made = finish({ ...base, uri: '', suite: substitute(suite, arch), components: [...components] }, uri, arch);
        if (typeof made === 'string') issues.push({ path: origin, reason: made });
        else sources.push(made);
      }
    }
  });
  return { sources, issues };
}

/** deb822 stanzas as lower-cased field name → value (continuation lines joined with `\n`, ` .` as an empty line). */
function splitStanzas(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n').slice(0, 200_000)) {
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      last = undefined;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      const piece = line.trim() === '.' ? '' : line.trim();
      current.set(last, `${current.get(last) ?? ''}\n${piece}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}

function finish(source: AptSource, uri: string, arch: string): AptSource | string {
  const expanded = substitute(uri, arch);
  if (!SUPPORTED_SCHEMES.test(expanded)) return `unsupported URI ${JSON.stringify(expanded)} (grout fetches http, https and file URIs)`;
  try {
    new URL(expanded);
  } catch {
    return `not a URI: ${JSON.stringify(expanded)}`;
  }
  source.uri = trimSlash(expanded);
  const flat = source.suite.endsWith('/');
  if (flat && source.components.length > 0) return `a flat repository suite (${source.suite}) takes no components`;
  if (!flat && source.components.length === 0) return `suite ${source.suite} needs at least one component`;
  if (source.suite.includes('..')) return `suite ${JSON.stringify(source.suite)} climbs out of the archive`;
  for (const c of source.components) if (c.includes('..') || c.startsWith('/')) return `component ${JSON.stringify(c)} climbs out of the archive`;
  return source;
}

function signedByOf(values: readonly string[]): SignedBy {
  const signedBy: SignedBy = { files: [], fingerprints: [], armored: [] };
  for (const v of values) {
    if (v.startsWith('/')) signedBy.files.push(v);
    else signedBy.fingerprints.push(v.replace(/!$/, '').toUpperCase());
  }
  return signedBy;
}

function signedByField(value: string): SignedBy {
  if (value.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return { files: [], fingerprints: [], armored: [value.trim()] };
  return signedByOf(value.split(/[\s,]+/).filter((v) => v !== ''));
}

function words(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((w) => w !== '');
}

function substitute(value: string, arch: string): string {
  return value.replaceAll('$(ARCH)', arch);
}

function trimSlash(uri: string): string {
  return uri.replace(/\/+$/, '');
}

function isBareUrl(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(repo.trim()) || /^file:\S+$/i.test(repo.trim());
}

function lastSegment(uri: string): string {
  try {
    return new URL(uri).pathname.split('/').filter((s) => s !== '').pop() ?? '';
  } catch {
    return '';
  }
}

function pickMirror(source: AptSource, mirrors: readonly string[]): string {
  if (mirrors.length === 1 && mirrors[0] !== undefined) return mirrors[0];
  const wanted = lastSegment(source.uri);
  const match = mirrors.find((m) => lastSegment(m) === wanted);
  if (match === undefined) {
    throw new GroutError('E_USAGE', `no --repo mirror matches ${source.uri} (from ${source.origin}); the mirrors are ${mirrors.join(', ')}`, { hint: 'give one mirror URL per archive, ending in the same path segment (…/debian, …/debian-security)' });
  }
  return match;
}

function dedupe(sources: AptSource[]): AptSource[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.uri} ${s.suite} ${s.components.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
