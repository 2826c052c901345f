/** Hostile bytes in gemspecs and Gemfile.lock: issues or sane values, never a throw, never a hang. */
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../core/model.js';
import type { FileExtractor } from '../../extractor.js';
import { gemfileLockExtractor } from './gemfile-lock/index.js';
import { gemspecExtractor } from './gemspec/index.js';
import { garbage } from '../../../../test/garbage.js';


function extract(extractor: FileExtractor, path: string, bytes: Buffer | string): { packages: ExtractedPackage[]; issues: string[] } {
  const issues: string[] = [];
  const packages = extractor.extractFile(
    { path, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  ) as ExtractedPackage[];
  return { packages, issues };
}

const specPath = 'usr/lib/ruby/gems/3.1.0/specifications/x-1.gemspec';
const head = 'Gem::Specification.new do |s|\n  s.name = "x"\n  s.version = "1"\n';

describe('hostile gemspec', () => {
  it('garbage and empty files: one issue naming the file', () => {
    for (const bytes of [garbage(1024 * 1024), Buffer.alloc(0), garbage(4096, 7)]) {
      const { packages, issues } = extract(gemspecExtractor, specPath, bytes);
      expect(packages).toEqual([]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(new RegExp(`^${specPath}: failed to parse gemspec`));
    }
  });

  it('a 4 MiB line, unterminated literals and a flood of dependencies stay bounded', () => {
    const started = Date.now();
    const long = `${head}  s.licenses = ["${'a'.repeat(4 * 1024 * 1024)}`;
    expect(extract(gemspecExtractor, specPath, long).packages[0]?.licenses).toEqual([]);
    const flood = head + Array.from({ length: 50_000 }, (_, i) => `  s.add_dependency "d${i}"`).join('\n');
    expect(extract(gemspecExtractor, specPath, flood).packages[0]?.dependsOn).toHaveLength(4096);
    const quotes = `${head}  s.licenses = [${'"a",'.repeat(200_000)}`;
    expect(extract(gemspecExtractor, specPath, quotes).packages[0]?.licenses).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a NUL-laden or control-character name is rejected', () => {
    const { packages, issues } = extract(gemspecExtractor, specPath, 'Gem::Specification.new do |s|\n  s.name = "a\\u0000b"\n  s.version = "1"\n');
    expect(packages).toEqual([]);
    expect(issues[0]).toMatch(/invalid gem name/);
  });
});

describe('hostile Gemfile.lock', () => {
  const path = 'srv/Gemfile.lock';

  it('garbage: one issue, no packages', () => {
    const { packages, issues } = extract(gemfileLockExtractor, path, garbage(1024 * 1024));
    expect(packages).toEqual([]);
    expect(issues).toEqual([`${path}: not a Gemfile.lock: no GEM, GIT, PATH, PLATFORMS or DEPENDENCIES section`]);
  });

  it('huge spec lists and dependency lists are bounded and fast', () => {
    const started = Date.now();
    const specs = Array.from({ length: 150_000 }, (_, i) => `    g${i} (1.0)\n${'      g0 (>= 0)\n'.repeat(i === 0 ? 0 : 1)}`).join('');
    const { packages } = extract(gemfileLockExtractor, path, `GEM\n  specs:\n${specs}`);
    expect(packages.length).toBe(100_000);
    const deps = Array.from({ length: 10_000 }, (_, i) => `      d${i}\n`).join('');
    const one = extract(gemfileLockExtractor, path, `GEM\n  specs:\n    a (1)\n${deps}`);
    expect(one.packages.map((p) => p.name)).toEqual(['a']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('lines with odd indentation, lone parentheses and names of other shapes are ignored', () => {
    const text = 'GEM\n  specs:\n     five (1)\n   three (1)\n    ( (1)\n    a (\n    b (1))\n    c (1)\n\tGIT\n  x\n';
    const { packages, issues } = extract(gemfileLockExtractor, path, text);
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['c@1']);
  });
});
