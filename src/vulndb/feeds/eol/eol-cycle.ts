/**
 * endoflife.date release records into `EolCycle`s. Two spellings reach here: the product pages' front matter
 * (also what `all-products.json` holds: `releaseCycle`, `codename`, `releaseDate`, `eol`, `eoas`, `eoes`,
 * `latest`, `lts`, where a support field is a date or a boolean; https://endoflife.date/docs/contributing)
 * and the public API v1 (`name`, `codename`, `releaseDate`, `isEol`/`eolFrom`, `isEoas`/`eoasFrom`,
 * `isEoes`/`eoesFrom`, `isLts`/`ltsFrom`, `latest: {name}`; https://endoflife.date/docs/api/v1/). Pure.
 */
import type { EolCycle } from '../../advisory.js';

const MAX_TEXT = 200;
const PRODUCT = /^[a-z0-9][a-z0-9._+-]{0,120}$/;

/** Is this an endoflife.date product name (`debian`, `alpine-linux`, `nodejs`)? */
export function isProductName(name: string): boolean {
  return PRODUCT.test(name);
}

/** A front-matter / all-products release record, or why it cannot be read. */
export function cycleFromRelease(product: string, raw: unknown): EolCycle | string {
  if (!isRecord(raw)) return 'release is not a mapping';
  return build(product, {
    cycle: raw['releaseCycle'],
    codename: raw['codename'],
    releaseDate: raw['releaseDate'],
    eol: raw['eol'],
    eoas: raw['eoas'],
    eoes: raw['eoes'],
    latest: raw['latest'],
    lts: raw['lts'],
  });
}

/** An API v1 release record (`result.releases[]`), or why it cannot be read. */
export function cycleFromApiRelease(product: string, raw: unknown): EolCycle | string {
  if (!isRecord(raw)) return 'release is not an object';
  const latest = raw['latest'];
  return build(product, {
    cycle: raw['name'],
    codename: raw['codename'],
    releaseDate: raw['releaseDate'],
    eol: dateOrFlag(raw['eolFrom'], raw['isEol']),
    eoas: dateOrFlag(raw['eoasFrom'], raw['isEoas']),
    eoes: dateOrFlag(raw['eoesFrom'], raw['isEoes']),
    latest: isRecord(latest) ? latest['name'] : latest,
    lts: dateOrFlag(raw['ltsFrom'], raw['isLts']),
  });
}

/** A legacy API (v0) record: `{cycle, codename, releaseDate, eol, support, extendedSupport, latest, lts}`. */
export function cycleFromLegacyApi(product: string, raw: unknown): EolCycle | string {
  if (!isRecord(raw)) return 'release is not an object';
  return build(product, {
    cycle: raw['cycle'],
    codename: raw['codename'],
    releaseDate: raw['releaseDate'],
    eol: raw['eol'],
    eoas: raw['support'],
    eoes: raw['extendedSupport'],
    latest: raw['latest'],
    lts: raw['lts'],
  });
}

interface Fields {
  cycle: unknown;
  codename: unknown;
  releaseDate: unknown;
  eol: unknown;
  eoas: unknown;
  eoes: unknown;
  latest: unknown;
  lts: unknown;
}

function build(product: string, fields: Fields): EolCycle | string {
  const cycle = text(fields.cycle);
  if (cycle === undefined) return 'release has no cycle name';
  const result: EolCycle = { product, cycle };
  const codename = text(fields.codename);
  if (codename !== undefined) result.codename = codename;
  const releaseDate = absent(fields.releaseDate) ? undefined : date(fields.releaseDate);
  if (releaseDate === null) return `${cycle}: releaseDate is not a YYYY-MM-DD date: ${show(fields.releaseDate)}`;
  if (releaseDate !== undefined) result.releaseDate = releaseDate;
  for (const key of ['eol', 'eoas', 'eoes', 'lts'] as const) {
    const raw = fields[key];
    if (absent(raw)) continue;
    const value = dateOrBoolean(raw);
    if (value === null) return `${cycle}: ${key} is neither a YYYY-MM-DD date nor a boolean: ${show(raw)}`;
    result[key] = value;
  }
  const latest = text(fields.latest);
  if (latest !== undefined) result.latest = latest;
  return result;
}

/** API v1 gives a date when one is known, else only the flag. */
function dateOrFlag(date: unknown, flag: unknown): unknown {
  return typeof date === 'string' && date !== '' ? date : typeof flag === 'boolean' ? flag : undefined;
}

/** YAML read without type resolution leaves `true`/`false` as text; JSON gives booleans. */
function dateOrBoolean(value: unknown): string | boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return date(value);
}

function date(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const day = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day ? day : null;
}

function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === 'null' || value === '~';
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || absent(value)) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, MAX_TEXT);
}

function show(value: unknown): string {
  return (typeof value === 'string' ? JSON.stringify(value) : String(value)).slice(0, 60);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
