import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { pipfileLockExtractor } from './index.js';

async function extract(bytes: Buffer | string): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await pipfileLockExtractor.extractFile(
    { path: 'app/Pipfile.lock', bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, mode: 0o644 },
    { issue: (p, r) => issues.push(`${p}: ${r}`) },
  );
  return { packages, issues };
}

describe('python/pipfile-lock', () => {
  it('wants Pipfile.lock only', () => {
    expect(pipfileLockExtractor.wants('Pipfile.lock', { mode: 0o644, size: 1 })).toBe(true);
    expect(pipfileLockExtractor.wants('srv/app/Pipfile.lock', { mode: 0o644, size: 1 })).toBe(true);
    expect(pipfileLockExtractor.wants('srv/app/Pipfile', { mode: 0o644, size: 1 })).toBe(false);
    expect(pipfileLockExtractor.wants('srv/app/MyPipfile.lock', { mode: 0o644, size: 1 })).toBe(false);
  });

  it('reads default and develop; develop-only is dev; git and local entries have no release', async () => {
    const { packages, issues } = await extract(readFileSync(join(import.meta.dirname, 'testdata', 'Pipfile-develop-git.lock')));
    expect(packages.map((p) => [p.name, p.version, p.metadata])).toEqual([
      ['private-lib', '1.0', { kind: 'language', origin: 'declared', resolved: 'https://files.example/private_lib-1.0-py3-none-any.whl' }],
      ['pytest', '8.0.0', { kind: 'language', origin: 'declared', dev: true }],
      ['requests', '2.31.0', { kind: 'language', origin: 'declared' }],
      ['urllib3', '2.0.7', { kind: 'language', origin: 'declared' }],
    ]);
    expect(issues).toEqual([
      'app/Pipfile.lock: Pipfile.lock: default: from-git has no version (a git requirement); skipped',
      'app/Pipfile.lock: Pipfile.lock: develop: entry "weird" is not a package object; skipped',
    ]);
  });

  it.each([
    ['not JSON', '{"default": ', /^app\/Pipfile\.lock: Pipfile\.lock is not valid JSON: /],
    ['an array', '[]', /is not a JSON object$/],
    ['a bad section', '{"default": []}', /"default" is not an object$/],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, /is not a JSON object$/],
    ['binary', Buffer.from([0xff, 0x00, 0x7b]), /is not valid JSON/],
  ])('reports %s as an issue', async (_label, bytes, reason) => {
    const { packages, issues } = await extract(bytes);
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(reason);
  });

  it('bounds the problems it lists', async () => {
    const develop = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, {}]));
    const { issues } = await extract(JSON.stringify({ develop }));
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('app/Pipfile.lock: Pipfile.lock: 30 more problems not listed');
  });
});
