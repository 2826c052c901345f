import { describe, expect, it } from 'vitest';
import { attribute, manifestLicenses, parseManifest } from './manifest.js';

describe('parseManifest', () => {
  it('joins continuation lines, ignores header case, stops at the main section', () => {
    const manifest = parseManifest(
      '\ufeffManifest-Version: 1.0\r\nImplementation-URL: https://www.apache.org/hadoop-thirdparty/hadoop-sh\r\n aded-guava/\r\nimplementation-title:  Spaced Title \r\n\r\nName: org/example/\r\nImplementation-Title: per-entry\r\n',
    );
    expect(attribute(manifest, 'Implementation-URL')).toBe('https://www.apache.org/hadoop-thirdparty/hadoop-shaded-guava/');
    expect(attribute(manifest, 'Implementation-Title')).toBe('Spaced Title');
    expect(manifest.size).toBe(3);
  });

  it('accepts LF and CR line ends, keeps the first of a repeated header, skips lines without a colon', () => {
    const manifest = parseManifest('Bundle-Version: 1\rBundle-Version: 2\nno colon here\n: empty name\nBundle-Name: x\n');
    expect([...manifest]).toEqual([
      ['bundle-version', '1'],
      ['bundle-name', 'x'],
    ]);
  });

  it('treats a blank value as absent', () => {
    expect(attribute(parseManifest('Implementation-Version: \n'), 'Implementation-Version')).toBeUndefined();
    expect(attribute(undefined, 'Implementation-Version')).toBeUndefined();
  });
});

describe('manifestLicenses', () => {
  it('reads Bundle-License clauses without their parameters, and Jenkins plugin licences in order', () => {
    const manifest = parseManifest(
      [
        'Bundle-License: "Apache-2.0";link="https://www.apache.org/licenses/LICENSE-2.0",EPL-2.0;description="a, b"',
        'Plugin-License-Name: Apache License, Version 2.0',
        'Plugin-License-Name-2: MIT License',
        'Plugin-License-Name-1: Apache License, Version 2.0',
      ].join('\n'),
    );
    expect(manifestLicenses(manifest)).toEqual(['Apache-2.0', 'EPL-2.0', 'Apache License, Version 2.0', 'MIT License']);
  });

  it('is empty without a manifest or licence headers', () => {
    expect(manifestLicenses(undefined)).toEqual([]);
    expect(manifestLicenses(parseManifest('Manifest-Version: 1.0\n'))).toEqual([]);
  });
});
