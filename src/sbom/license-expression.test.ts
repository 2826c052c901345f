import { describe, expect, it } from 'vitest';
import { classifyLicense, joinWithAnd } from './license-expression.js';

describe('classifyLicense', () => {
  it.each([
    ['MIT', 'MIT'],
    ['mit', 'MIT'],
    ['  Apache-2.0 ', 'Apache-2.0'],
    ['gpl-2.0-or-later', 'GPL-2.0-or-later'],
    // Deprecated ids are still on the list.
    ['GPL-2.0+', 'GPL-2.0+'],
  ])('%j is the single id %s', (text, id) => {
    expect(classifyLicense(text)).toEqual({ kind: 'id', value: id });
  });

  it.each([
    ['MIT AND BSD-3-Clause', 'MIT AND BSD-3-Clause', false, []],
    ['mit OR apache-2.0', 'MIT OR Apache-2.0', true, []],
    ['Zlib OR (MIT AND Apache-2.0)', 'Zlib OR (MIT AND Apache-2.0)', true, []],
    ['(MIT OR Zlib) AND ISC', '(MIT OR Zlib) AND ISC', false, []],
    ['( MIT   OR  Zlib )AND ISC', '(MIT OR Zlib) AND ISC', false, []],
    ['Apache-2.0+', 'Apache-2.0+', false, []],
    ['GPL-3.0-or-later WITH GCC-exception-3.1', 'GPL-3.0-or-later WITH GCC-exception-3.1', false, []],
    ['LicenseRef-Proprietary', 'LicenseRef-Proprietary', false, ['LicenseRef-Proprietary']],
    ['MIT OR LicenseRef-a AND LicenseRef-a', 'MIT OR LicenseRef-a AND LicenseRef-a', true, ['LicenseRef-a']],
    ['(MIT)', '(MIT)', false, []],
  ])('%j is the expression %j', (text, value, topLevelOr, refs) => {
    expect(classifyLicense(text)).toEqual({ kind: 'expression', value, topLevelOr, licenseRefs: refs });
  });

  it.each([
    'GPLv2+',
    'ASL 2.0',
    'Public Domain',
    'MIT and BSD', // operators are case-sensitive (SPDX 2.3 D.2)
    'MIT AND',
    'AND MIT',
    'MIT OR OR ISC',
    '(MIT',
    'MIT)',
    '()',
    'MIT WITH',
    'MIT WITH AND',
    '(MIT OR ISC) WITH Classpath-exception-2.0', // WITH applies to a simple expression only
    'MIT+ +',
    'NotALicence+',
    'DocumentRef-other:LicenseRef-x', // an external document grout cannot name
    'LicenseRef-',
    'LicenseRef-a b',
    'MIT, BSD',
    '',
    '   ',
  ])('%j is not an SPDX expression', (text) => {
    expect(classifyLicense(text).kind).toBe('other');
  });

  it('keeps the text of what is not an expression', () => {
    expect(classifyLicense('GPLv2+ and BSD')).toEqual({ kind: 'other', value: 'GPLv2+ and BSD' });
  });

  it('refuses hostile sizes without parsing them', () => {
    expect(classifyLicense(`${'MIT AND '.repeat(200)}MIT`).kind).toBe('other');
    expect(classifyLicense(`${'('.repeat(40)}MIT${')'.repeat(40)}`).kind).toBe('other');
    expect(classifyLicense(`${'('.repeat(10)}MIT${')'.repeat(10)}`).kind).toBe('expression');
    expect(classifyLicense('x'.repeat(100_000)).kind).toBe('other');
  });
});

describe('joinWithAnd', () => {
  it('parenthesises only parts with a top-level OR', () => {
    expect(
      joinWithAnd([
        { value: 'MIT', topLevelOr: false },
        { value: 'GPL-2.0-only OR BSD-3-Clause', topLevelOr: true },
        { value: 'ISC AND Zlib', topLevelOr: false },
      ]),
    ).toBe('MIT AND (GPL-2.0-only OR BSD-3-Clause) AND ISC AND Zlib');
    expect(joinWithAnd([{ value: 'MIT OR ISC', topLevelOr: true }])).toBe('MIT OR ISC');
  });
});
