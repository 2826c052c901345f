import { describe, expect, it } from 'vitest';
import { decodeText, isRequirementsPath, parseRequirements, pythonRequirementsExtractor } from './index.js';

describe('python/requirements wants', () => {
  it.each(['requirements.txt', 'app/requirements.txt', 'app/requirements-dev.txt', 'app/requirements_prod.txt', 'app/requirements/base.txt', 'requirements/base.txt'])(
    'wants %s',
    (path) => expect(pythonRequirementsExtractor.wants(path, { mode: 0o644, size: 10 })).toBe(true),
  );
  it.each([
    'app/requirements.in',
    'app/dev-requirements.txt',
    'app/docs/base.txt',
    'usr/lib/python3/dist-packages/foo/requirements.txt',
    'usr/local/lib/python3.11/site-packages/foo/requirements/base.txt',
  ])('does not want %s', (path) => expect(isRequirementsPath(path)).toBe(false));
});

describe('parseRequirements', () => {
  it('takes exact pins only and never follows -r/-c/-e', () => {
    const text = [
      '-r base.txt',
      '-c constraints.txt',
      '--requirement other.txt',
      '-e git+https://example.invalid/x.git#egg=x==1.0',
      '--index-url https://example.invalid/simple',
      'requests[socks,security] == 2.31.0 ; python_version >= "3.8" \\',
      '    --hash=sha256:abc',
      'urllib3>=2,==2.0.7',
      'tab\t==\t1.0',
      'local @ file:///tmp/local-1.0.tar.gz',
      'arbitrary===1.0',
      'broken[extra==1.0',
      '.hidden==1.0',
      'numpy==1.26.4 # pinned',
    ].join('\r\n');
    expect(parseRequirements(text)).toEqual([
      { name: 'requests', version: '2.31.0', line: 6 },
      { name: 'urllib3', version: '2.0.7', line: 8 },
      { name: 'tab', version: '1.0', line: 9 },
      { name: 'numpy', version: '1.26.4', line: 14 },
    ]);
  });

  it('decodes UTF-8 with a BOM and UTF-16 in both byte orders', () => {
    const text = 'six==1.16.0\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const bytes of [le, be, utf8, Buffer.from(text, 'utf16le')]) expect(decodeText(bytes)).toBe(text);
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x41]))).toBe('');
  });

  it('drops duplicate pins, sorts, and survives hostile bytes quickly', async () => {
    const issues: string[] = [];
    const dup = await pythonRequirementsExtractor.extractFile(
      { path: 'requirements.txt', bytes: Buffer.from('b==1\na==2\nb==1\n'), mode: 0o644 },
      { issue: (_p, r) => issues.push(r) },
    );
    expect(dup.map((p) => `${p.name}==${p.version}`)).toEqual(['a==2', 'b==1']);
    const started = Date.now();
    const hostile = Buffer.concat([Buffer.from('x'.repeat(2_000_000)), Buffer.from('=='), Buffer.alloc(1_000_000, 0xff), Buffer.from('\n'.repeat(500_000))]);
    expect(await pythonRequirementsExtractor.extractFile({ path: 'requirements.txt', bytes: hostile, mode: 0o644 }, { issue: (_p, r) => issues.push(r) })).toEqual([]);
    expect(issues).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
