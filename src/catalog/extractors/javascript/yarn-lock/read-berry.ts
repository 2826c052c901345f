import { isRecord, recordField, stringField, type JsonRecord } from '../common/json-value.js';
import type { FileIssues, LockedPackage } from '../common/locked-package.js';
import { shown } from '../common/locked-package.js';
import { sourceOf, splitDescriptor, type RangeSource } from './descriptor.js';

interface BerryRecord {
  key: string;
  value: JsonRecord;
  workspace: boolean;
  locked: LockedPackage | undefined;
}

/**
 * Packages of a yarn berry (v2+) lockfile, a YAML map from descriptors (`"a@npm:^1, a@npm:^1.2"`) to entries
 * with `version` and `resolution`. Workspaces (`workspace:`), the project itself among them, are not packages; the
 * packages they depend on are the direct ones. Dependency ranges are resolved through the descriptors, where a
 * range without protocol stands for `npm:`. `checksum` is yarn's cache checksum, kept as the integrity.
 */
export function readYarnBerry(doc: JsonRecord, issues: FileIssues): LockedPackage[] {
  const byDescriptor = new Map<string, BerryRecord>();
  const records: BerryRecord[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    if (!isRecord(value)) {
      issues.add(`entry ${shown(key)} is not a map; skipped`);
      continue;
    }
    const descriptors = key.split(',').map((d) => d.trim()).filter((d) => d !== '');
    const resolution = stringField(value, 'resolution') ?? descriptors[0] ?? '';
    const source = sourceOfResolution(resolution);
    const record: BerryRecord = { key, value, workspace: false, locked: undefined };
    if (source === undefined) {
      issues.add(`entry ${shown(key)}: unreadable resolution ${shown(resolution)}; skipped`);
      continue;
    }
    if (source.kind === 'other') {
      record.workspace = source.protocol === 'workspace';
    } else if (source.kind === 'unknown') {
      issues.add(`entry ${shown(key)}: unknown protocol ${shown(source.protocol)}; skipped`);
    } else {
      const version = stringField(value, 'version');
      if (version === undefined) issues.add(`package ${shown(source.name)} has no version; skipped`);
      else {
        record.locked = { name: source.name, version };
        const checksum = stringField(value, 'checksum');
        if (checksum !== undefined) record.locked.integrity = checksum;
      }
    }
    for (const d of descriptors) byDescriptor.set(d, record);
    records.push(record);
  }

  const hasWorkspaces = records.some((r) => r.workspace);
  for (const r of records) if (r.locked !== undefined && hasWorkspaces) r.locked.direct = false;
  for (const record of records) {
    const deps = recordField(record.value, 'dependencies');
    if (deps === undefined) continue;
    const names = new Set<string>();
    for (const [name, range] of Object.entries(deps)) {
      if (typeof range !== 'string') continue;
      const found = byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
      const target = found?.locked;
      if (target === undefined || found === record) continue;
      if (record.workspace) target.direct = true;
      else if (record.locked !== undefined) names.add(target.name);
    }
    if (record.locked !== undefined && names.size > 0) record.locked.dependsOn = [...names];
  }
  return records.flatMap((r) => (r.locked === undefined ? [] : [r.locked]));
}

/** `a@npm:1.2.3` → npm `a`; `a@patch:a@npm%3A1.2.3#…` → npm `a` (the patched package); `a@workspace:.` → other. */
function sourceOfResolution(resolution: string): RangeSource | undefined {
  const descriptor = splitDescriptor(resolution);
  if (descriptor === undefined) return undefined;
  if (descriptor.range.startsWith('patch:')) {
    const hash = descriptor.range.indexOf('#');
    let inner: string;
    try {
      inner = decodeURIComponent(descriptor.range.slice('patch:'.length, hash < 0 ? undefined : hash));
    } catch {
      return { kind: 'other', protocol: 'patch' };
    }
    const base = splitDescriptor(inner);
    const baseSource = base === undefined ? undefined : sourceOf(base);
    return baseSource?.kind === 'npm' ? baseSource : { kind: 'other', protocol: 'patch' };
  }
  return sourceOf(descriptor);
}
