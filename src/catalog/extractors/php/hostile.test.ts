/** Hostile bytes in composer.lock and installed.json: issues or sane values, never a throw, never a hang. */
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../core/model.js';
import type { FileExtractor } from '../../extractor.js';
import { composerInstalledExtractor } from './composer-installed/index.js';
import { composerLockExtractor } from './composer-lock/index.js';
import { garbage } from '../../../../test/garbage.js';


function extract(extractor: FileExtractor, path: string, bytes: Buffer | string): { packages: ExtractedPackage[]; issues: string[] } {
  const issues: string[] = [];
  const packages = extractor.extractFile(
    { path, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  ) as ExtractedPackage[];
  return { packages, issues };
}

const both = [
  ['composer.lock', composerLockExtractor, 'app/composer.lock', (list: string) => `{"packages": ${list}}`],
  ['installed.json', composerInstalledExtractor, 'app/vendor/composer/installed.json', (list: string) => list],
] as const;

describe.each(both)('hostile %s', (_label, extractor, path, wrap) => {
  it('binary garbage, empty, truncated and deeply nested JSON: one issue naming the file', () => {
    for (const bytes of [garbage(1024 * 1024), Buffer.alloc(0), Buffer.from('{"packages": [{"name": "a/b",'), Buffer.from('['.repeat(5_000_000))]) {
      const { packages, issues } = extract(extractor, path, bytes);
      expect(packages).toEqual([]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(new RegExp(`^${path}: invalid JSON: `));
    }
  });

  it('JSON of the wrong shape', () => {
    for (const text of ['null', '"x"', '42', '{"packages": "x"}', '{"packages-dev": {}}']) {
      const { packages, issues } = extract(extractor, path, text);
      expect(packages).toEqual([]);
      expect(issues).toHaveLength(1);
    }
  });

  it('entries of the wrong types are skipped with a capped number of issues', () => {
    const entries = [
      1,
      null,
      'x',
      [],
      { name: 5, version: '1' },
      { name: 'no-slash', version: '1' },
      { name: 'a/b' },
      { name: 'a/c', version: { x: 1 } },
      ...Array.from({ length: 50 }, () => ({})),
      { name: 'ok/ok', version: '1.0.0', license: { MIT: true }, require: ['x/y'], dist: 'x', source: null },
      { name: '_bad/start', version: '1' },
    ];
    // `__proto__` keys written as JSON text (an object literal would set the prototype instead).
    const proto = '{"name": "constructor/prototype", "version": "1", "require": {"__proto__": "*", "ok/ok": "*", "hasOwnProperty/x": "*"}, "license": [1, null, "MIT", "MIT"]}';
    const list = `${JSON.stringify(entries).slice(0, -1)}, ${proto}]`;
    const { packages, issues } = extract(extractor, path, wrap(list));
    expect(packages.map((p) => [p.name, p.version, p.licenses, p.dependsOn])).toEqual([
      ['constructor/prototype', '1', ['MIT'], ['ok/ok']],
      ['ok/ok', '1.0.0', [], undefined],
    ]);
    expect(issues).toHaveLength(11);
    expect(issues.at(-1)).toMatch(/more bad package entries skipped$/);
  });

  it('a huge number of entries is bounded and fast', () => {
    const entries = Array.from({ length: 150_000 }, (_, i) => ({ name: `v/p${i}`, version: '1.0.0', require: { 'v/p0': '*' } }));
    const started = Date.now();
    const { packages } = extract(extractor, path, wrap(JSON.stringify(entries)));
    expect(packages.length).toBe(100_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
