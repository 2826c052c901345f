import { describe, expect, it } from 'vitest';
import { cycloneDxLicenses, spdxDeclaredLicense } from './license-choice.js';

describe('cycloneDxLicenses', () => {
  it('is undefined when nothing was declared', () => {
    expect(cycloneDxLicenses([])).toBeUndefined();
    expect(cycloneDxLicenses(['', '  '])).toBeUndefined();
  });

  it('lists known ids as license.id and free text as license.name, ids first, sorted, deduplicated', () => {
    expect(cycloneDxLicenses(['GPLv2+', 'mit', 'MIT', 'Apache-2.0'])).toEqual([
      { license: { id: 'Apache-2.0' } },
      { license: { id: 'MIT' } },
      { license: { name: 'GPLv2+' } },
    ]);
  });

  it('joins SPDX expressions and ids into one expression', () => {
    expect(cycloneDxLicenses(['MIT OR ISC', 'Zlib'])).toEqual([{ expression: '(MIT OR ISC) AND Zlib' }]);
    expect(cycloneDxLicenses(['LicenseRef-x'])).toEqual([{ expression: 'LicenseRef-x' }]);
  });

  it('keeps an expression as a name when free text is beside it (the schema allows no mix)', () => {
    expect(cycloneDxLicenses(['MIT OR ISC', 'Custom'])).toEqual([
      { license: { name: 'Custom' } },
      { license: { name: 'MIT OR ISC' } },
    ]);
  });
});

describe('spdxDeclaredLicense', () => {
  it('is NOASSERTION when nothing was declared', () => {
    expect(spdxDeclaredLicense([])).toEqual({ expression: 'NOASSERTION', extracted: [] });
  });

  it('writes free text as a LicenseRef with its text', () => {
    const declared = spdxDeclaredLicense(['BSD and GPLv2+', 'MIT']);
    expect(declared.expression).toMatch(/^LicenseRef-BSD-and-GPLv2-[0-9a-f]{16} AND MIT$/);
    expect(declared.extracted).toEqual([
      { licenseId: declared.expression.split(' ')[0], extractedText: 'BSD and GPLv2+', name: 'BSD and GPLv2+' },
    ]);
  });

  it('declares LicenseRefs that the database wrote itself', () => {
    expect(spdxDeclaredLicense(['MIT OR LicenseRef-Acme'])).toEqual({
      expression: 'MIT OR LicenseRef-Acme',
      extracted: [{ licenseId: 'LicenseRef-Acme', extractedText: 'MIT OR LicenseRef-Acme' }],
    });
  });
});
