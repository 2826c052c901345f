import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { depsJsonExtractor } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');

function extract(path: string, bytes: Buffer | string): { packages: ExtractedPackage[]; issues: string[] } {
  const issues: string[] = [];
  const packages = depsJsonExtractor.extractFile(
    { path, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  ) as ExtractedPackage[];
  return { packages, issues };
}

describe('dotnet/deps-json', () => {
  it('wants *.deps.json files only', () => {
    const wants = (p: string): boolean => depsJsonExtractor.wants(p, { mode: 0o644, size: 1 });
    expect(wants('app/App.deps.json')).toBe(true);
    expect(wants('usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.1/Microsoft.NETCore.App.deps.json')).toBe(true);
    expect(wants('app/.deps.json')).toBe(false);
    expect(wants('app/App.runtimeconfig.json')).toBe(false);
  });

  // Code-unit order, as everywhere in the inventory: `SQLite…` sorts before `Serilog`.
  it('package edges, the runtime pack of a self-contained app, native-only packages, compile-only ones left out', () => {
    const path = 'app/App.deps.json';
    const { packages, issues } = extract(path, readFileSync(join(testdata, 'package-edges.deps.json')));
    expect(issues).toEqual([]);
    expect(packages).toEqual([
      {
        ecosystem: 'nuget',
        name: 'Microsoft.NETCore.App.Runtime.linux-x64',
        version: '8.0.1',
        licenses: [],
        evidence: path,
        metadata: { kind: 'language', origin: 'installed', direct: true },
      },
      {
        ecosystem: 'nuget',
        name: 'SQLitePCLRaw.lib.e_sqlite3',
        version: '2.1.6',
        licenses: [],
        evidence: path,
        metadata: { kind: 'language', origin: 'installed', direct: false },
      },
      {
        ecosystem: 'nuget',
        name: 'Serilog',
        version: '3.1.1',
        licenses: [],
        evidence: path,
        metadata: { kind: 'language', origin: 'installed', direct: false },
      },
      {
        ecosystem: 'nuget',
        name: 'Serilog.Sinks.Console',
        version: '5.0.1',
        licenses: [],
        evidence: path,
        dependsOn: ['Serilog'],
        metadata: { kind: 'language', origin: 'installed', direct: true, integrity: 'sha512-abc==' },
      },
    ]);
  });

  it('a target that is not an object, or libraries that are not, are reported', () => {
    expect(extract('a.deps.json', '[]').issues).toEqual(['a.deps.json: not a .deps.json: the top level is not an object']);
    expect(extract('a.deps.json', '{"libraries": []}').issues).toEqual(['a.deps.json: "libraries" is not an object']);
    expect(extract('a.deps.json', '{"runtimeTarget": {"name": "x"}, "targets": {"x": 5}, "libraries": {"A/1": {"type": "package"}}}').packages.map((p) => p.name)).toEqual(['A']);
  });

  it('names in `__proto__` and other odd keys are plain data', () => {
    const { packages, issues } = extract('a.deps.json', '{"libraries": {"__proto__/1.0": {"type": "package"}, "constructor/2.0": {"type": "Package"}}}');
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['__proto__@1.0', 'constructor@2.0']);
  });
});
