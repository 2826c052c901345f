/** Hostile bytes in a .deps.json: issues or sane values, never a throw, never a hang. */
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { depsJsonExtractor } from './index.js';
import { garbage } from '../../../../../test/garbage.js';


function extract(bytes: Buffer | string): { packages: ExtractedPackage[]; issues: string[] } {
  const issues: string[] = [];
  const packages = depsJsonExtractor.extractFile(
    { path: 'app/a.deps.json', bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  ) as ExtractedPackage[];
  return { packages, issues };
}

describe('hostile .deps.json', () => {
  it('garbage, empty, truncated and deeply nested JSON: one issue naming the file', () => {
    for (const bytes of [garbage(1024 * 1024), Buffer.alloc(0), Buffer.from('{"libraries": {"A/1": {'), Buffer.from('{"a":'.repeat(2_000_000))]) {
      const { packages, issues } = extract(bytes);
      expect(packages).toEqual([]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^app\/a\.deps\.json: failed to decode \.deps\.json file: /);
    }
  });

  it('wrong types everywhere are skipped', () => {
    const text = JSON.stringify({
      runtimeTarget: { name: { x: 1 } },
      targets: [],
      libraries: { 'A/1': 'x', 'B/2': { type: 5 }, '/3': { type: 'package' }, 'C/': { type: 'package' }, 'D E/1': { type: 'package' }, 'F/1': { type: 'package', sha512: 7 } },
    });
    const { packages, issues } = extract(text);
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['F@1']);
  });

  it('a target whose dependencies are not strings, and cycles, are harmless', () => {
    const text = JSON.stringify({
      runtimeTarget: { name: 't' },
      targets: { t: { 'A/1': { dependencies: { B: '1', C: 5 }, runtime: {} }, 'B/1': { dependencies: { A: '1' }, runtime: {} } } },
      libraries: { 'A/1': { type: 'package' }, 'B/1': { type: 'package' } },
    });
    const { packages } = extract(text);
    expect(packages.map((p) => [p.name, p.dependsOn])).toEqual([
      ['A', ['B']],
      ['B', ['A']],
    ]);
  });

  it('a huge number of libraries is bounded and fast', () => {
    const libraries: Record<string, unknown> = {};
    for (let i = 0; i < 150_000; i++) libraries[`P${i}/1.0.0`] = { type: 'package' };
    const started = Date.now();
    const { packages } = extract(JSON.stringify({ libraries }));
    expect(packages.length).toBe(100_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
