import { describe, expect, it } from 'vitest';
import { isValidName, normalizeName, requirementName } from './pypi-names.js';

describe('pypi names', () => {
  it('normalises per PEP 503', () => {
    expect(normalizeName('Jinja2')).toBe('jinja2');
    expect(normalizeName('typing_extensions')).toBe('typing-extensions');
    expect(normalizeName('zope.interface')).toBe('zope-interface');
    expect(normalizeName('A-_.-b')).toBe('a-b');
  });
  it('reads the name a requirement starts with', () => {
    expect(requirementName('cryptography (>=39.0)')).toBe('cryptography');
    expect(requirementName('pyjwt[crypto]>=2; extra == "x"')).toBe('pyjwt');
    expect(requirementName('  sphinx_rtd_theme ; extra == "doc"')).toBe('sphinx_rtd_theme');
    expect(requirementName('(>=1)')).toBeUndefined();
    expect(requirementName('-e .')).toBeUndefined();
  });
  it('validates PEP 508 names', () => {
    expect(isValidName('oauth2-client')).toBe(true);
    expect(isValidName('-rfoo')).toBe(false);
    expect(isValidName('foo.')).toBe(false);
    expect(isValidName('x'.repeat(300))).toBe(false);
  });
});
