/**
 * The dependency tree `cargo auditable` embeds in Rust binaries: zlib-compressed JSON in the `.dep-v0` section,
 *
 *     {"packages":[{"name":"app","version":"0.1.0","source":"local","dependencies":[1],"root":true},
 *                  {"name":"libc","version":"0.2.150","source":"crates.io","kind":"build"}]}
 *
 * `source` is crates.io, local, git, registry or another string; `kind` is `runtime` (may be omitted) or `build`;
 * `dependencies` are indexes into `packages` (may be omitted when empty); `root` marks the binary's own crate
 * (may be omitted when false). Format: https://github.com/rust-secure-code/cargo-auditable (auditable-serde).
 */
import { inflateSync } from 'node:zlib';

export interface AuditPackage {
  name: string;
  version: string;
  source: string;
  kind: 'runtime' | 'build';
  dependencies: number[];
  root: boolean;
}

export type AuditDataResult = { ok: true; packages: AuditPackage[]; problems: string[] } | { ok: false; reason: string };

/** Far above real trees (a few hundred crates), small enough that a hostile blob cannot exhaust memory. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
const MAX_PACKAGES = 100_000;
const MAX_PROBLEMS = 20;

/** Inflate and parse the `.dep-v0` section. Never throws. */
export function parseAuditData(compressed: Buffer): AuditDataResult {
  let json: Buffer;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_JSON_BYTES });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, reason: `decompressed data exceeds ${MAX_JSON_BYTES} bytes` };
    return { ok: false, reason: `not zlib data (${error instanceof Error ? error.message : String(error)})` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const list = isObject(doc) ? doc['packages'] : undefined;
  if (!Array.isArray(list)) return { ok: false, reason: 'no "packages" array' };
  if (list.length > MAX_PACKAGES) return { ok: false, reason: `${list.length} packages is implausible` };

  const problems: string[] = [];
  const problem = (message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(message);
  };
  const packages: AuditPackage[] = list.map((raw: unknown, index) => {
    const entry = isObject(raw) ? raw : {};
    if (!isObject(raw)) problem(`package ${index} is not an object`);
    const text = (key: string): string => {
      const value = entry[key];
      if (value === undefined) return '';
      if (typeof value === 'string') return value;
      problem(`package ${index}: "${key}" is not a string`);
      return '';
    };
    const deps = entry['dependencies'];
    const dependencies: number[] = [];
    if (Array.isArray(deps)) {
      for (const d of deps) {
        if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d < list.length && d !== index) dependencies.push(d);
        else problem(`package ${index}: dependency ${JSON.stringify(d)?.slice(0, 40)} is not the index of another package`);
      }
    } else if (deps !== undefined) {
      problem(`package ${index}: "dependencies" is not an array`);
    }
    return {
      name: text('name'),
      version: text('version'),
      source: text('source'),
      kind: entry['kind'] === 'build' ? 'build' : 'runtime',
      dependencies,
      root: entry['root'] === true,
    };
  });
  return { ok: true, packages, problems };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
