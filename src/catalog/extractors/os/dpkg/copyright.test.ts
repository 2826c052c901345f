import { describe, expect, it } from 'vitest';
import { licensesFromCopyright, maxCopyrightBytes } from './copyright.js';

describe('licensesFromCopyright', () => {
  it('reads License: fields of a machine-readable file, unique and sorted', () => {
    const text = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: a\nLicense: BSD-3-clause\n text\n\nLicense: GPL-2+\n';
    expect(licensesFromCopyright(Buffer.from(text))).toEqual(['BSD-3-clause', 'GPL-2+']);
  });

  it('reads /usr/share/common-licenses/ references of free-form files', () => {
    const text = "Public License can be found in `/usr/share/common-licenses/GPL-1'.\nsee /usr/share/common-licenses/LGPL-2.1.\n";
    expect(licensesFromCopyright(Buffer.from(text))).toEqual(['GPL-1', 'LGPL-2.1']);
  });

  it('reads only the first MiB and ignores absurd values', () => {
    const text = `License: ${'x'.repeat(500)}\n${' '.repeat(maxCopyrightBytes)}\nLicense: MIT\n`;
    expect(licensesFromCopyright(Buffer.from(text))).toEqual([]);
  });

  it('finds nothing in garbage', () => {
    expect(licensesFromCopyright(Buffer.from([0, 255, 1, 2, 3]))).toEqual([]);
  });
});
