import { describe, expect, it } from 'vitest';
import { apkDigest } from './checksum.js';

// Reference values computed independently (Python hashlib/base64) for the empty input.
const sha1Empty = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256Empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('apkDigest', () => {
  it.each([
    ['Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=', { algorithm: 'sha1', value: sha1Empty }],
    [`X1${sha1Empty.toUpperCase()}`, { algorithm: 'sha1', value: sha1Empty }],
    ['Q247DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', { algorithm: 'sha256', value: sha256Empty }],
    ['d41d8cd98f00b204e9800998ecf8427e', { algorithm: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }],
    // from trivy's fixture: musl's ld-musl Z: line and trivy's sha1 for it
    ['Q1KUwsFGLHn/enpN9+QIpK/FmixtQ=', { algorithm: 'sha1', value: '294c2c1462c79ff7a7a4df7e408a4afc59a2c6d4' }],
  ])('%s', (raw, expected) => {
    expect(apkDigest(raw)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['Q1', 'no body'],
    ['Q3AAAA', 'unknown digest type'],
    ['Z12jmj7l5rSw0yVb/vlWAYkK/YBwk=', 'unknown encoding'],
    ['Q12jmj7l5rSw0yVb/vlWAYkK/YB=', 'truncated base64'],
    ['Q1AAAA', 'wrong length for sha1'],
    ['Q12jmj7l5rSw0yVb/vl*AYkK/YBwk=', 'not base64'],
    ['X1zz', 'not hex'],
    [`Q1${'A'.repeat(10_000)}`, 'absurdly long'],
  ])('%j (%s) → undefined', (raw) => {
    expect(apkDigest(raw)).toBeUndefined();
  });
});
