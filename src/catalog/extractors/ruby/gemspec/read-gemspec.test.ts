import { describe, expect, it } from 'vitest';
import { readGemspec } from './read-gemspec.js';

const spec = (body: string, head = 'Gem::Specification.new do |s|'): string => `# -*- encoding: utf-8 -*-\n${head}\n${body}\nend\n`;

describe('readGemspec', () => {
  it('reads the block variable, whatever its name, in do- and brace-blocks', () => {
    expect(readGemspec(spec('  g.name = "x"\n  g.version = "1"', 'Gem::Specification.new do |g|'))).toMatchObject({ ok: true, spec: { name: 'x', version: '1' } });
    expect(readGemspec(spec('  s.name = "x"\n  s.version = "1"', 'Gem::Specification.new { | s |'))).toMatchObject({ ok: true, spec: { name: 'x' } });
  });

  it('RubyGems 3.5+ style: add_dependency without the respond_to? wrapper is a runtime dependency', () => {
    const result = readGemspec(spec('  s.name = "a"\n  s.version = "1.0"\n  s.add_dependency(%q<b>.freeze, [">= 0"])\n  s.add_development_dependency(%q<c>.freeze, [">= 0"])\n  s.add_runtime_dependency "d", "~> 1"'));
    expect(result).toEqual({ ok: true, spec: { name: 'a', version: '1.0', licenses: [], runtimeDependencies: ['b', 'd'] } });
  });

  it('Gem::Version.new and prerelease versions', () => {
    expect(readGemspec(spec('  s.name = "a"\n  s.version = Gem::Version.new("2.0.0.rc1")'))).toMatchObject({ spec: { version: '2.0.0.rc1' } });
  });

  it('the last licence assignment wins, as in RubyGems', () => {
    expect(readGemspec(spec('  s.name = "a"\n  s.version = "1"\n  s.license = "MIT"\n  s.licenses = ["Ruby".freeze, "BSD-2-Clause".freeze]'))).toMatchObject({
      spec: { licenses: ['Ruby', 'BSD-2-Clause'] },
    });
  });

  it('ignores comparisons, other receivers and non-literal values', () => {
    const result = readGemspec(spec('  s.name = "a"\n  s.version = "1"\n  s.version == "2"\n  x.version = "3"\n  s.licenses = LICENSES\n  s.name_suffix = "z"'));
    expect(result).toEqual({ ok: true, spec: { name: 'a', version: '1', licenses: [], runtimeDependencies: [] } });
  });

  it.each([
    ['no block', 's.name = "a"\ns.version = "1"', /no "Gem::Specification.new" block/],
    ['block without variable', 'Gem::Specification.new do\n  name = "a"\nend', /no block variable/],
    ['computed name', spec('  s.name = NAME\n  s.version = "1"'), /no literal name/],
    ['missing version', spec('  s.name = "a"'), /no literal version for a/],
    ['bad name', spec('  s.name = "a b"\n  s.version = "1"'), /invalid gem name/],
    ['bad version', spec('  s.name = "a"\n  s.version = "1; rm -rf"'), /invalid version/],
  ])('%s is an error', (_label, text, reason) => {
    const result = readGemspec(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
