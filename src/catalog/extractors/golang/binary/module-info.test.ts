import { describe, expect, it } from 'vitest';
import { parseModuleInfo } from './module-info.js';

describe('parseModuleInfo', () => {
  it('reads path, mod, dep and => lines, with the blank line Go writes after a replacement', () => {
    const text = [
      'path\texample.com/app/cmd/app',
      'mod\texample.com/app\t(devel)\t',
      'dep\texample.com/lib\tv1.2.3',
      '=>\t../lib\t(devel)\t',
      '',
      'dep\tgolang.org/x/text\tv0.14.0\th1:abc=',
      'dep\texample.net/a\tv0.1.0',
      '=>\texample.org/b\tv0.2.0\th1:def=',
      '',
      'build\t-compiler=gc',
      'build\tvcs.revision=0123',
      '',
    ].join('\n');
    expect(parseModuleInfo(text)).toEqual({
      packagePath: 'example.com/app/cmd/app',
      main: { path: 'example.com/app', version: '(devel)' },
      deps: [
        { path: 'example.com/lib', version: 'v1.2.3', replace: { path: '../lib', version: '(devel)' } },
        { path: 'golang.org/x/text', version: 'v0.14.0', sum: 'h1:abc=' },
        { path: 'example.net/a', version: 'v0.1.0', replace: { path: 'example.org/b', version: 'v0.2.0', sum: 'h1:def=' } },
      ],
      problems: [],
    });
  });

  it('an empty text (a binary built outside a module) has nothing', () => {
    expect(parseModuleInfo('')).toEqual({ deps: [], problems: [] });
  });

  it('a replacement after a build line or a second replacement is a problem', () => {
    const info = parseModuleInfo('build\tx\n=>\ta\tv1\ndep\tb\tv1\n=>\tc\tv2\n=>\td\tv3\n');
    expect(info.deps).toEqual([{ path: 'b', version: 'v1', replace: { path: 'c', version: 'v2' } }]);
    expect(info.problems).toEqual(['module text line 2: replacement without a module before it', 'module text line 5: replacement without a module before it']);
  });

  it('bounds its problems and lines', () => {
    const info = parseModuleInfo('junk\n'.repeat(200_000));
    expect(info.problems.length).toBeLessThanOrEqual(20);
    expect(info.problems[0]).toMatch(/more than 100000 lines/);
  });
});
