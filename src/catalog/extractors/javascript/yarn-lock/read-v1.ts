import type { FileIssues, LockedPackage } from '../common/locked-package.js';
import { shown } from '../common/locked-package.js';
import { sourceOf, splitDescriptor } from './descriptor.js';
import type { YarnV1Entry } from './yarn-v1-syntax.js';

const EDGE_BLOCKS = ['dependencies', 'optionalDependencies'] as const;

/**
 * Packages of a yarn v1 lockfile. Dependencies are resolved by their exact `name@range` selector, which yarn
 * lists on the entry it resolved to. v1 records neither the project's own entry nor which packages are direct
 * or dev-only.
 */
export function readYarnV1(entries: readonly YarnV1Entry[], issues: FileIssues): LockedPackage[] {
  const bySelector = new Map<string, LockedPackage>();
  const read: { entry: YarnV1Entry; locked: LockedPackage }[] = [];
  for (const entry of entries) {
    const first = splitDescriptor(entry.selectors[0]!);
    if (first === undefined) {
      issues.add(`line ${entry.line}: unreadable selector ${shown(entry.selectors[0]!)}; skipped`);
      continue;
    }
    const source = sourceOf(first);
    if (source.kind === 'other') continue;
    if (source.kind === 'unknown') {
      issues.add(`line ${entry.line}: unknown protocol ${shown(source.protocol)} in ${shown(entry.selectors[0]!)}; skipped`);
      continue;
    }
    const version = entry.fields.get('version');
    if (version === undefined || version === '') {
      issues.add(`line ${entry.line}: package ${shown(source.name)} has no version; skipped`);
      continue;
    }
    const locked: LockedPackage = { name: source.name, version };
    const resolved = entry.fields.get('resolved');
    const integrity = entry.fields.get('integrity');
    if (resolved !== undefined && resolved !== '') locked.resolved = resolved;
    if (integrity !== undefined && integrity !== '') locked.integrity = integrity;
    for (const selector of entry.selectors) bySelector.set(selector, locked);
    read.push({ entry, locked });
  }
  for (const { entry, locked } of read) {
    const names = new Set<string>();
    for (const field of EDGE_BLOCKS) {
      for (const [name, range] of entry.blocks.get(field) ?? []) {
        const found = bySelector.get(`${name}@${range}`);
        if (found !== undefined && found !== locked) names.add(found.name);
      }
    }
    if (names.size > 0) locked.dependsOn = [...names];
  }
  return read.map((r) => r.locked);
}
