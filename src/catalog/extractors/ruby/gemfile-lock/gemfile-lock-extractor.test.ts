import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { gemfileLockExtractor } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');

function extract(path: string, bytes: Buffer | string): { packages: ExtractedPackage[]; issues: string[] } {
  const issues: string[] = [];
  const packages = gemfileLockExtractor.extractFile(
    { path, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  ) as ExtractedPackage[];
  return { packages, issues };
}

describe('ruby/gemfile-lock', () => {
  it('wants Gemfile.lock and gems.locked anywhere, nothing else', () => {
    const wants = (p: string): boolean => gemfileLockExtractor.wants(p, { mode: 0o644, size: 1 });
    expect(wants('Gemfile.lock')).toBe(true);
    expect(wants('srv/app/Gemfile.lock')).toBe(true);
    expect(wants('srv/app/gems.locked')).toBe(true);
    expect(wants('srv/app/MyGemfile.lock')).toBe(false);
    expect(wants('srv/app/Gemfile')).toBe(false);
  });

  it('one package per gem version across platforms, CHECKSUMS and RUBY VERSION ignored, `!` pins direct', () => {
    const path = 'srv/app/Gemfile.lock';
    const { packages, issues } = extract(path, readFileSync(join(testdata, 'multi-platform', 'Gemfile.lock')));
    expect(issues).toEqual([]);
    const view = packages.map((p) => [p.name, p.version, p.dependsOn ?? [], p.metadata?.kind === 'language' ? p.metadata.direct : undefined]);
    expect(view).toEqual([
      ['mini_portile2', '2.8.5', [], false],
      ['nokogiri', '1.16.0', ['mini_portile2', 'racc'], true],
      ['racc', '1.7.3', [], false],
      // bundler is not locked as a spec: no edge to it.
      ['rails', '7.1.2', ['railties'], true],
      ['railties', '7.1.2', [], false],
      ['sorbet-static', '0.5.11000', [], true],
    ]);
    expect(packages.every((p) => p.ecosystem === 'gem' && p.evidence === path && p.licenses.length === 0)).toBe(true);
  });

  it('reads CRLF line endings', () => {
    const { packages, issues } = extract('Gemfile.lock', readFileSync(join(testdata, 'crlf', 'Gemfile.lock')));
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['rack@3.0.8']);
    expect(packages[0]?.metadata).toEqual({ kind: 'language', origin: 'declared', direct: true });
  });

  it('without DEPENDENCIES, direct is not said', () => {
    const { packages } = extract('Gemfile.lock', 'GEM\n  remote: x\n  specs:\n    rack (3.0.8)\n');
    expect(packages[0]?.metadata).toEqual({ kind: 'language', origin: 'declared' });
  });

  it('skips spec lines that are not `name (version)`', () => {
    const { packages, issues } = extract('Gemfile.lock', 'GEM\n  specs:\n    ok (1.0)\n    noversion\n    bad name (1.0)\n    ranged (>= 1)\n    empty ()\n');
    expect(issues).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['ok@1.0']);
  });
});
