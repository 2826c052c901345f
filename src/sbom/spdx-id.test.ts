import { describe, expect, it } from 'vitest';
import { licenseRefFor, packageSpdxId, toIdString } from './spdx-id.js';

const IDSTRING = /^[A-Za-z0-9.-]+$/;

describe('toIdString', () => {
  it('keeps short idstrings as they are', () => {
    expect(toIdString('deb-1a2b3c4d5e6f7081')).toBe('deb-1a2b3c4d5e6f7081');
    expect(toIdString('GPL-2.0')).toBe('GPL-2.0');
  });

  it('reduces anything else to [A-Za-z0-9.-] with a hash suffix', () => {
    const id = toIdString('npm:@scope/lib++ ünïcode@1.0.0');
    expect(id).toMatch(/^npm-scope-lib-unicode-1.0.0-[0-9a-f]{16}$/);
    expect(toIdString('日本語')).toMatch(/^[0-9a-f]{16}$/);
    expect(toIdString('')).toMatch(/^[0-9a-f]{16}$/);
    expect(toIdString('x'.repeat(10_000))).toMatch(/^x{64}-[0-9a-f]{16}$/);
  });

  it('never maps two different texts to the same id', () => {
    const texts = ['a b', 'a_b', 'a-b', 'a  b', 'a/b', 'A B', '-a-b-', 'a-b-', 'ü', 'u'];
    const ids = texts.map(toIdString);
    expect(new Set(ids).size).toBe(texts.length);
    for (const id of ids) expect(id).toMatch(IDSTRING);
  });

  it('is deterministic', () => {
    expect(toIdString('rpm:bash@5.1')).toBe(toIdString('rpm:bash@5.1'));
  });
});

describe('SPDX ids', () => {
  it('prefixes packages and licence references', () => {
    expect(packageSpdxId('apk-0000000000000001')).toBe('SPDXRef-Package-apk-0000000000000001');
    expect(packageSpdxId('a:b')).toMatch(/^SPDXRef-Package-a-b-[0-9a-f]{16}$/);
    expect(licenseRefFor('GPL')).toBe('LicenseRef-GPL');
    expect(licenseRefFor('GPLv2+')).toMatch(/^LicenseRef-GPLv2-[0-9a-f]{16}$/);
  });
});
