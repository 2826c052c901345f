import type * as Toml from 'smol-toml';
import { lazyModule } from '../../../core/lazy-module.js';

const toml = lazyModule<typeof Toml>('smol-toml');

/** A lock file's `[[package]]` tables, or why they could not be read. */
export type LockTables = { ok: true; doc: Record<string, unknown>; packages: Record<string, unknown>[]; notTables: number } | { ok: false; reason: string };

/** More packages than any real lock file holds. */
export const MAX_LOCK_PACKAGES = 100_000;

/**
 * Parse a TOML lock file (poetry.lock, uv.lock) and pick its `[[package]]` array. Inline tables and arrays are
 * bounded in depth; `__proto__`-style keys are dropped. The parser throws on invalid TOML: that is bad input here,
 * reported as a reason, whatever the error type.
 */
export function readTomlLock(bytes: Buffer, label: string): LockTables {
  let doc: Record<string, unknown>;
  try {
    doc = toml().parse(bytes.toString('utf8'), { maxDepth: 32, unsafeKeyBehaviour: 'drop' });
  } catch (error) {
    return { ok: false, reason: `${label} is not valid TOML: ${firstLine(error)}` };
  }
  const list = doc['package'] ?? [];
  if (!Array.isArray(list)) return { ok: false, reason: `${label}: "package" is not an array of tables` };
  if (list.length > MAX_LOCK_PACKAGES) return { ok: false, reason: `${label}: ${list.length} packages is implausible` };
  const packages = list.filter(isTable);
  return { ok: true, doc, packages, notTables: list.length - packages.length };
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string field, or undefined. */
export function stringField(table: Record<string, unknown>, key: string): string | undefined {
  const value = table[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] ?? message).slice(0, 200);
}

/** Collects a file's problems as issues, up to a limit, then one line saying how many more there were. */
export class ProblemLog {
  private count = 0;
  constructor(
    private readonly report: (reason: string) => void,
    private readonly label: string,
    private readonly limit = 20,
  ) {}

  add(message: string): void {
    if (this.count++ < this.limit) this.report(`${this.label}: ${message}`);
  }

  finish(): void {
    if (this.count > this.limit) this.report(`${this.label}: ${this.count - this.limit} more problems not listed`);
  }
}
