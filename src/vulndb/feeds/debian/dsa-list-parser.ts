/**
 * The Debian security tracker's advisory lists, `data/DSA/list` and `data/DLA/list`
 * (https://salsa.debian.org/security-tracker-team/security-tracker/-/tree/master/data), one block per advisory:
 *
 * ```
 * [29 Mar 2023] DSA-5380-1 xorg-server - security update
 * 	{CVE-2023-1393}
 * 	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
 * 	NOTE: free text
 * ```
 * Block lines are indented with a tab or spaces. A release line gives the fixed source version in that release,
 * or `<not-affected> (reason)`, `<end-of-life>`, `<unfixed>`; old blocks may add an urgency, `1.2-3 (medium)`.
 * The parser is pure: it is fed lines and returns the items to yield.
 */
import { debScheme } from '../../../version/index.js';
import type { Advisory, AffectedPackage, AffectedStatus, FeedItem } from '../../advisory.js';
import { debianEcosystem, isDebianSourceName } from './debian-releases.js';
import type { TextLine } from '../common/line-reader.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEADER = /^\[(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\]\s+(D[SL]A-\d{1,7}(?:-\d{1,4})?)(?:\s+(.*))?$/;
const RELEASE_LINE = /^\[([A-Za-z0-9-]{1,40})\]\s+-\s+(\S+)(?:\s+(.*))?$/;
const ALIAS = /^[A-Z][A-Z0-9]{0,15}-[A-Za-z0-9._:-]{1,64}$/;
const URGENCY = /^\((unimportant|low|medium|high|critical|emergency)\)$/i;
/** Bounds for one block; real blocks have at most a few hundred CVE ids and a dozen release lines. */
const MAX_ALIASES = 10_000;
const MAX_AFFECTED = 10_000;
const MAX_NOTE = 64 * 1024;

export interface DsaListOptions {
  /** Name used in skip reasons (the import path or URL). */
  label: string;
  /** `Advisory.feed`. */
  feed: string;
}

interface Block {
  id: string;
  line: number;
  published: string;
  summary?: string;
  aliases: Set<string>;
  affected: AffectedPackage[];
  details: string[];
}

export class DsaListParser {
  private block: Block | undefined;
  /** A header that could not be read: its lines are dropped until the next header. */
  private dropping = false;

  constructor(private readonly options: DsaListOptions) {}

  /** Feed one line; returns the items it completes (the previous block's advisory, skips). */
  accept(line: TextLine): FeedItem[] {
    const out: FeedItem[] = [];
    if (line.tooLong) {
      out.push(this.skip(line.number, 'line too long'));
      return out;
    }
    const text = line.text;
    if (text.trim() === '') return out;
    if (!/^[ \t]/.test(text)) {
      out.push(...this.finish());
      this.startBlock(line.number, text, out);
      return out;
    }
    if (this.dropping) return out;
    const block = this.block;
    if (block === undefined) {
      out.push(this.skip(line.number, 'indented line outside an advisory block'));
      return out;
    }
    this.blockLine(block, line.number, text.trim(), out);
    return out;
  }

  /** End of input: the last block's advisory. */
  finish(): FeedItem[] {
    const block = this.block;
    this.block = undefined;
    this.dropping = false;
    return block === undefined ? [] : [{ type: 'advisory', advisory: this.toAdvisory(block) }];
  }

  private startBlock(number: number, text: string, out: FeedItem[]): void {
    const match = HEADER.exec(text.trimEnd());
    if (match === null) {
      this.dropping = true;
      out.push(this.skip(number, `not an advisory header: ${quote(text)}`));
      return;
    }
    const [, day = '', month = '', year = '', id = '', rest = ''] = match;
    const published = isoDate(day, month, year);
    if (published === undefined) {
      this.dropping = true;
      out.push(this.skip(number, `${id}: not a date: [${day} ${month} ${year}]`));
      return;
    }
    const summary = rest.replace(/\s+/g, ' ').trim();
    this.block = { id, line: number, published, aliases: new Set(), affected: [], details: [] };
    if (summary !== '') this.block.summary = summary;
    this.dropping = false;
  }

  private blockLine(block: Block, number: number, text: string, out: FeedItem[]): void {
    if (text.startsWith('{')) {
      if (!text.endsWith('}')) {
        out.push(this.skip(number, `${block.id}: unterminated id list`));
        return;
      }
      for (const token of text.slice(1, -1).split(/\s+/)) {
        if (token === '') continue;
        if (!ALIAS.test(token)) out.push(this.skip(number, `${block.id}: not an advisory id: ${quote(token)}`));
        else if (block.aliases.size < MAX_ALIASES) block.aliases.add(token);
      }
      return;
    }
    if (text.startsWith('NOTE:')) {
      const note = text.slice(5).trim();
      const last = block.affected.at(-1);
      if (last === undefined) appendBounded(block.details, note);
      else last.note = last.note === undefined ? note : `${last.note}\n${note}`.slice(0, MAX_NOTE);
      return;
    }
    if (text.startsWith('[')) {
      const affected = this.releaseLine(block, number, text, out);
      if (affected !== undefined) {
        if (block.affected.length < MAX_AFFECTED) block.affected.push(affected);
        else out.push(this.skip(number, `${block.id}: more than ${MAX_AFFECTED} release lines`));
      }
      return;
    }
    out.push(this.skip(number, `${block.id}: unrecognised line: ${quote(text)}`));
  }

  private releaseLine(block: Block, number: number, text: string, out: FeedItem[]): AffectedPackage | undefined {
    const match = RELEASE_LINE.exec(text);
    if (match === null) {
      out.push(this.skip(number, `${block.id}: unreadable release line: ${quote(text)}`));
      return undefined;
    }
    const [, codename = '', name = '', rest = ''] = match;
    const ecosystem = debianEcosystem(codename);
    if (ecosystem === undefined) {
      out.push(this.skip(number, `${block.id}: unknown release codename ${quote(codename)}`));
      return undefined;
    }
    if (!isDebianSourceName(name)) {
      out.push(this.skip(number, `${block.id}: not a source package name: ${quote(name)}`));
      return undefined;
    }
    const [word = '', ...tail] = rest.trim().split(/\s+/);
    const trailer = tail.join(' ');
    const entry: AffectedPackage = { ecosystem, name, status: 'affected', ranges: [], versions: [] };
    if (word.startsWith('<')) {
      const status = SPECIAL_FORMS.get(word);
      if (status === undefined) {
        out.push(this.skip(number, `${block.id}: unknown status ${quote(word)}`));
        return undefined;
      }
      entry.status = status;
      if (status !== 'not-affected') entry.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
    } else {
      if (word === '') {
        out.push(this.skip(number, `${block.id}: ${codename} ${name}: no fixed version`));
        return undefined;
      }
      if (!debScheme.isValid(word)) {
        out.push(this.skip(number, `${block.id}: ${codename} ${name}: not a Debian version: ${quote(word)}`));
        return undefined;
      }
      entry.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: word }] }];
    }
    const urgency = URGENCY.exec(trailer);
    if (urgency !== null && entry.status !== 'not-affected') {
      entry.severity = [{ type: 'level', value: (urgency[1] ?? '').toLowerCase(), source: 'debian-dsa-list' }];
    } else if (trailer !== '') {
      entry.note = trailer.replace(/^\((.*)\)$/, '$1').slice(0, MAX_NOTE);
    }
    return entry;
  }

  private toAdvisory(block: Block): Advisory {
    const advisory: Advisory = {
      id: block.id,
      aliases: [...block.aliases].filter((alias) => alias !== block.id).sort(),
      related: [],
      feed: this.options.feed,
      kind: 'vulnerability',
      published: block.published,
      severity: [],
      references: [`https://security-tracker.debian.org/tracker/${block.id}`],
      cwes: [],
      affected: block.affected,
    };
    if (block.summary !== undefined) advisory.summary = block.summary;
    if (block.details.length > 0) advisory.details = block.details.join('\n');
    return advisory;
  }

  private skip(line: number, reason: string): FeedItem {
    return { type: 'skipped', where: `${this.options.label}:${line}`, reason };
  }
}

const SPECIAL_FORMS: ReadonlyMap<string, AffectedStatus> = new Map([
  ['<not-affected>', 'not-affected'],
  ['<end-of-life>', 'end-of-life'],
  ['<unfixed>', 'unfixed'],
]);

/** `29`, `Mar`, `2023` → `2023-03-29`; undefined for a date that does not exist. */
function isoDate(day: string, month: string, year: string): string | undefined {
  const m = MONTHS.indexOf(month);
  const d = Number(day);
  const y = Number(year);
  if (m === -1 || d < 1 || y < 1990) return undefined;
  const date = new Date(Date.UTC(y, m, d));
  if (date.getUTCMonth() !== m || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

function appendBounded(lines: string[], line: string): void {
  const size = lines.reduce((sum, l) => sum + l.length + 1, 0);
  if (size + line.length <= MAX_NOTE) lines.push(line);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
