import { describe, expect, it } from 'vitest';
import { isValidVersion } from './pep440.js';

describe('isValidVersion', () => {
  it.each(['1', '1.0', '2.0.0', '2019.3.9', '1!2.0', '1.0a1', '1.0.rc1', '1.0-alpha.2', '1.0.post1', '1.0-1', '1.0.dev3', 'v1.2', '1.0+ubuntu1', '1.0a2.post3.dev4+local.7'])(
    'accepts %s',
    (v) => expect(isValidVersion(v)).toBe(true),
  );
  it.each(['', '2.0.*', "'1.2.4'", 'invalid-version', '%%', '1..0', '1.0+', 'x'.repeat(200), `1${'.0'.repeat(100)}`])('rejects %s', (v) =>
    expect(isValidVersion(v)).toBe(false),
  );
});
