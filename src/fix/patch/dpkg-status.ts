/**
 * dpkg's `var/lib/dpkg/status`, held as its original text cut into paragraphs and the gaps between them, so a few
 * paragraphs can be replaced or added and everything else is written back byte for byte.
 */
import { fieldValue, parseControlParagraph, renderParagraph, type ControlField } from '../deb/index.js';

export interface StatusParagraph {
  kind: 'paragraph';
  /** The paragraph's lines, each ending in "\n". */
  text: string;
  fields: ControlField[];
  package: string;
  architecture: string;
  /** The Status field's third word (`installed`, `config-files`, `not-installed`…). */
  state: string;
}

type Segment = StatusParagraph | { kind: 'gap'; text: string };

export class StatusFile {
  private constructor(private readonly segments: Segment[]) {}

  static parse(text: string): StatusFile {
    const segments: Segment[] = [];
    let current: string[] = [];
    let gap = '';
    const flushParagraph = (): void => {
      if (current.length === 0) return;
      const body = current.join('');
      const fields = parseControlParagraph(body);
      const status = (fieldValue(fields, 'Status') ?? '').trim().split(/\s+/);
      segments.push({
        kind: 'paragraph',
        text: body,
        fields,
        package: (fieldValue(fields, 'Package') ?? '').trim(),
        architecture: (fieldValue(fields, 'Architecture') ?? '').trim(),
        state: status[2] ?? '',
      });
      current = [];
    };
    // Lines keep their "\n" so joining the segments gives the input back exactly.
    for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      if (line.trim() === '') {
        flushParagraph();
        gap += line;
      } else {
        if (gap !== '') {
          segments.push({ kind: 'gap', text: gap });
          gap = '';
        }
        current.push(line);
      }
    }
    flushParagraph();
    if (gap !== '') segments.push({ kind: 'gap', text: gap });
    return new StatusFile(segments);
  }

  paragraphs(): StatusParagraph[] {
    return this.segments.filter((s): s is StatusParagraph => s.kind === 'paragraph');
  }

  /** Replace one paragraph (found with `paragraphs()`) by new text. */
  replace(old: StatusParagraph, fields: ControlField[]): void {
    const index = this.segments.indexOf(old);
    if (index < 0) throw new Error('paragraph is not part of this status file');
    this.segments[index] = paragraphOf(fields);
  }

  /** Add a paragraph where dpkg would have it: ordered by package name, then architecture. */
  insert(fields: ControlField[]): void {
    const paragraph = paragraphOf(fields);
    const key = `${paragraph.package}\0${paragraph.architecture}`;
    const index = this.segments.findIndex((s) => s.kind === 'paragraph' && `${s.package}\0${s.architecture}` > key);
    if (index < 0) {
      const last = this.segments.at(-1);
      if (last !== undefined && last.kind === 'paragraph') this.segments.push({ kind: 'gap', text: '\n' });
      this.segments.push(paragraph, { kind: 'gap', text: '\n' });
    } else {
      this.segments.splice(index, 0, paragraph, { kind: 'gap', text: '\n' });
    }
  }

  toString(): string {
    return this.segments.map((s) => s.text).join('');
  }
}

function paragraphOf(fields: ControlField[]): StatusParagraph {
  const status = (fieldValue(fields, 'Status') ?? '').trim().split(/\s+/);
  return {
    kind: 'paragraph',
    text: renderParagraph(fields),
    fields,
    package: (fieldValue(fields, 'Package') ?? '').trim(),
    architecture: (fieldValue(fields, 'Architecture') ?? '').trim(),
    state: status[2] ?? '',
  };
}

/** The order in which dpkg writes the fields it knows (lib/dpkg/parse.c `fieldinfos`); others follow in their order. */
const DPKG_FIELD_ORDER = [
  'Package', 'Essential', 'Protected', 'Status', 'Priority', 'Section', 'Installed-Size', 'Origin', 'Maintainer', 'Bugs',
  'Architecture', 'Multi-Arch', 'Source', 'Version', 'Config-Version', 'Replaces', 'Provides', 'Depends', 'Pre-Depends',
  'Recommends', 'Suggests', 'Breaks', 'Conflicts', 'Enhances', 'Conffiles', 'Description', 'Triggers-Pending', 'Triggers-Awaited',
].map((f) => f.toLowerCase());

/** Fields a status paragraph never takes from a control file. */
const DROPPED = new Set(['status', 'conffiles', 'config-version', 'filename', 'size', 'md5sum', 'msdos-filename', 'triggers-pending', 'triggers-awaited']);

export interface StatusConffile {
  /** Absolute path as dpkg writes it. */
  path: string;
  md5: string;
  obsolete?: boolean;
}

/**
 * The status paragraph of an installed package: its control fields in dpkg's order, `Status: install ok installed`
 * and the `Conffiles` field. Known fields are written in `--status` order, the rest (Homepage, Built-Using…) after.
 */
export function installedParagraph(control: readonly ControlField[], conffiles: readonly StatusConffile[]): ControlField[] {
  const kept = control.filter((f) => !DROPPED.has(f.name.toLowerCase()));
  const extra: ControlField[] = [{ name: 'Status', value: 'install ok installed' }];
  if (conffiles.length > 0) {
    extra.push({ name: 'Conffiles', value: conffiles.map((c) => `\n ${c.path} ${c.md5}${c.obsolete ? ' obsolete' : ''}`).join('') });
  }
  const all = [...kept, ...extra];
  const rank = (f: ControlField): number => {
    const i = DPKG_FIELD_ORDER.indexOf(f.name.toLowerCase());
    return i < 0 ? DPKG_FIELD_ORDER.length : i;
  };
  // Stable sort: unknown fields keep their relative order after the known ones.
  return all.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
}

/** `Conffiles:` of a status paragraph: absolute path → { md5, obsolete }. */
export function statusConffiles(fields: readonly ControlField[]): Map<string, { md5: string; obsolete: boolean }> {
  const out = new Map<string, { md5: string; obsolete: boolean }>();
  for (const line of (fieldValue(fields, 'Conffiles') ?? '').split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length < 2 || !words[0]!.startsWith('/')) continue;
    const flags = new Set<string>();
    while (words.length > 2 && (words.at(-1) === 'obsolete' || words.at(-1) === 'remove-on-upgrade')) flags.add(words.pop()!);
    const md5 = words.pop()!;
    out.set(words.join(' '), { md5, obsolete: flags.has('obsolete') });
  }
  return out;
}
