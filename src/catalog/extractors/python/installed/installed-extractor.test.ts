import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { isInstalledMetadataPath, parseCoreMetadata, pythonInstalledExtractor } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');

async function extract(path: string, bytes: Buffer | string): Promise<{ packages: ExtractedPackage[]; issues: string[] }> {
  const issues: string[] = [];
  const packages = await pythonInstalledExtractor.extractFile(
    { path, bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, mode: 0o644 },
    { issue: (p, reason) => issues.push(`${p}: ${reason}`) },
  );
  return { packages, issues };
}

describe('python/installed wants', () => {
  it.each([
    'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA',
    'usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA',
    'opt/venv/lib/python3.12/site-packages/foo.egg-info/PKG-INFO',
    'usr/lib/python3/dist-packages/six-1.16.0.egg-info',
    'usr/lib/python2.7/dist-packages/foo-1.0-py2.7.egg/EGG-INFO/PKG-INFO',
    'site-packages/x-1.dist-info/METADATA',
  ])('wants %s', (path) => expect(pythonInstalledExtractor.wants(path, { mode: 0o644, size: 100 })).toBe(true));

  it.each([
    'usr/lib/python3/dist-packages/setuptools/_vendor/packaging-24.2.dist-info/METADATA',
    'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/RECORD',
    'usr/lib/python3/dist-packages/foo.egg-info/requires.txt',
    'usr/lib/python3/dist-packages/.egg-info',
    'app/x-1.dist-info/METADATA',
    'METADATA',
    'usr/lib/python3/site-packages-old/x.dist-info/METADATA',
    'usr/lib/python3/dist-packages/foo/EGG-INFO/PKG-INFO',
    'usr/lib/python3/dist-packages/PKG-INFO',
  ])('does not want %s', (path) => expect(isInstalledMetadataPath(path)).toBe(false));
});

describe('python/installed', () => {
  it('reads Requires-Dist names (PEP 503), dropping extras-only requirements, and ignores the body', async () => {
    const path = 'usr/local/lib/python3.11/site-packages/Flask_Thing-3.0.0rc1.dist-info/METADATA';
    const { packages, issues } = await extract(path, readFileSync(join(testdata, 'requires-dist.METADATA')));
    expect(issues).toEqual([]);
    expect(packages).toEqual([
      {
        ecosystem: 'pypi',
        name: 'Flask_Thing',
        version: '3.0.0rc1',
        licenses: ['BSD-3-Clause AND MIT'],
        evidence: path,
        dependsOn: ['blinker', 'importlib-metadata', 'itsdangerous', 'jinja2', 'typing-extensions', 'werkzeug', 'zope-interface'],
        metadata: { kind: 'language', origin: 'installed' },
      },
    ]);
  });

  it('handles CRLF line ends, a BOM and field names in any case', async () => {
    const text = '\ufeffmetadata-version: 1.0\r\nNAME: crlf\r\nversion:   1.2 \r\nclassifier: License :: OSI Approved :: Apache Software License\r\n\r\nbody';
    const { packages } = await extract('usr/lib/python3/dist-packages/crlf-1.2.egg-info', text);
    expect(packages.map((p) => [p.name, p.version, p.licenses])).toEqual([['crlf', '1.2', ['Apache Software License']]]);
  });

  it('keeps the headers read before a malformed line, as Python does', async () => {
    const meta = parseCoreMetadata('Name: a\nVersion: 1\nthis line is not a header\nLicense: MIT\n');
    expect([...meta.fields.keys()]).toEqual(['name', 'version']);
  });

  it.each([
    ['empty', ''],
    ['binary', Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x3a, 0x0a])],
    ['no version', 'Name: foo\n'],
    ['continuation first', ' Name: foo\nVersion: 1\n'],
    ['JSON', '{"name": "foo", "version": "1"}'],
  ])('reports %s input as an issue and returns nothing', async (_label, bytes) => {
    const { packages, issues } = await extract('usr/lib/python3/dist-packages/x.egg-info', bytes);
    expect(packages).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^usr\/lib\/python3\/dist-packages\/x\.egg-info: Python core metadata has no .*field; skipped$/);
  });

  it('skips absurdly long names and copes with a 1 MiB header quickly', async () => {
    const long = await extract('site-packages/x.egg-info', `Name: ${'a'.repeat(600)}\nVersion: 1\n`);
    expect(long.packages).toEqual([]);
    expect(long.issues[0]).toContain('longer than 512');
    const started = Date.now();
    const folded = `Name: big\nVersion: 1\nLicense: x\n${' y\n'.repeat(90_000)}Requires-Dist: ${'b'.repeat(1000)}\n`;
    const big = await extract('site-packages/big.egg-info', folded);
    expect(big.packages[0]?.licenses[0]?.length).toBe(1 + 2 * 90_000);
    expect(big.packages[0]?.dependsOn).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
