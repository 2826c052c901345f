import { describe, expect, it } from 'vitest';
import { goToolchainSemver } from './toolchain.js';

describe('goToolchainSemver', () => {
  it.each([
    ['go1.22.3', 'v1.22.3'],
    ['go1.19.8', 'v1.19.8'],
    ['go1.22', 'v1.22.0'],
    ['go1.21.0', 'v1.21.0'],
    ['go1.21rc2', 'v1.21.0-rc.2'],
    ['go1.19beta1', 'v1.19.0-beta.1'],
    ['go1.9.2rc2', 'v1.9.2-rc.2'],
    ['go1.22.3 X:boringcrypto', 'v1.22.3'],
    ['go1.21.4-custom', 'v1.21.4'],
    ['devel go1.23-abc123 Tue Jan 2 2024', undefined],
    ['go1', undefined],
    ['go1.22x', undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(goToolchainSemver(input)).toBe(expected);
  });
});
