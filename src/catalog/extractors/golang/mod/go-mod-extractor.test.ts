import { describe, expect, it } from 'vitest';
import { goModExtractor, goSumExtractor, parseGoMod } from './index.js';

async function extract(extractor: typeof goModExtractor, text: string | Buffer) {
  const issues: string[] = [];
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const packages = await extractor.extractFile({ path: 'app/go.mod', bytes, mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

describe('parseGoMod', () => {
  it('reads directives, blocks, quoted paths, comments and the directives it does not report', () => {
    const text = [
      '// a comment',
      'module "example.com/app" // trailing',
      '',
      'go 1.22.0',
      'toolchain go1.22.5',
      'require (',
      '\texample.com/a v1.0.0',
      '\t`example.com/b` v2.0.0+incompatible // indirect; needed by a',
      '\texample.com/c v0.1.0 // not indirect',
      ')',
      'retract (',
      '\t[v1.0.0, v1.0.5] // broken',
      '\tv0.9.0',
      ')',
      'exclude example.com/a v0.9.0',
      'replace (',
      '\texample.com/a v1.0.0 => example.com/fork v1.0.1',
      '\texample.com/c => ../c',
      ')',
    ].join('\n');
    expect(parseGoMod(text)).toEqual({
      module: 'example.com/app',
      go: '1.22.0',
      toolchain: 'go1.22.5',
      requires: [
        { path: 'example.com/a', version: 'v1.0.0', indirect: false },
        { path: 'example.com/b', version: 'v2.0.0+incompatible', indirect: true },
        { path: 'example.com/c', version: 'v0.1.0', indirect: false },
      ],
      replaces: [
        { oldPath: 'example.com/a', oldVersion: 'v1.0.0', newPath: 'example.com/fork', newVersion: 'v1.0.1' },
        { oldPath: 'example.com/c', newPath: '../c' },
      ],
      problems: [],
    });
  });

  it('odd lines are problems, the rest is read', () => {
    const mod = parseGoMod('module a b\nrequire x\nrequire "unterminated v1\nreplace => y\nrequire ok v1.0.0\nrequire (\n');
    expect(mod.requires).toEqual([{ path: 'ok', version: 'v1.0.0', indirect: false }]);
    expect(mod.problems).toEqual([
      'line 1: module directive needs one path',
      'line 2: require needs a module path and a version',
      'line 3: unterminated string',
      'line 4: replace needs "old [version] => new [version]"',
      '"require (" block is not closed',
    ]);
  });
});

describe('golang/mod and golang/sum on hostile input: issues, never a throw', () => {
  const junk = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919 + 13) % 256));

  it('binary garbage', async () => {
    for (const extractor of [goModExtractor, goSumExtractor]) {
      const { issues } = await extract(extractor, junk);
      expect(issues.length).toBeLessThanOrEqual(21);
    }
  });

  it('a 5 MB line and 300,000 lines', async () => {
    await expect(extract(goModExtractor, 'require ' + 'x'.repeat(5_000_000))).resolves.toMatchObject({ packages: [] });
    const many = await extract(goModExtractor, 'require a v1\n'.repeat(300_000));
    expect(many.issues).toEqual(['go.mod: more than 200000 lines; the rest is ignored']);
    expect(many.packages).toHaveLength(200_000);
  });

  it('go.sum: malformed lines are issues, capped', async () => {
    const { packages, issues } = await extract(goSumExtractor, 'a v1 h1:x=\nbad line\n'.repeat(50));
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@v1']);
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('go.sum: 30 more problems not listed');
  });

  it('go.sum: the last version wins, with its h1 hash', async () => {
    const { packages } = await extract(goSumExtractor, 'm v1.0.0 h1:old=\nm v1.0.0/go.mod h1:oldmod=\nm v1.1.0/go.mod h1:newmod=\nm v1.1.0 h1:new=\n');
    expect(packages).toEqual([{ ecosystem: 'golang', name: 'm', version: 'v1.1.0', licenses: [], evidence: 'app/go.mod', metadata: { kind: 'language', origin: 'declared', integrity: 'h1:new=' } }]);
  });

  it('wants go.mod and go.sum by name', () => {
    expect(goModExtractor.wants('src/app/go.mod', { mode: 0o644, size: 1 })).toBe(true);
    expect(goModExtractor.wants('go.mod', { mode: 0o644, size: 1 })).toBe(true);
    expect(goModExtractor.wants('src/app/notgo.mod', { mode: 0o644, size: 1 })).toBe(false);
    expect(goSumExtractor.wants('src/app/go.sum', { mode: 0o644, size: 1 })).toBe(true);
  });
});
