import { describe, expect, it } from 'vitest';
import { parseSourceRpm } from './source-rpm.js';

describe('parseSourceRpm', () => {
  it.each([
    ['util-linux-2.32.1-42.el8_8.src.rpm', { name: 'util-linux', version: '2.32.1-42.el8_8' }],
    ['curl-7.76.0-6.cm2.src.rpm', { name: 'curl', version: '7.76.0-6.cm2' }],
    ['hello-0.0.1-rls.src.rpm', { name: 'hello', version: '0.0.1-rls' }],
    ['python3-setuptools-wheel-44.1.1-1.cm2.nosrc.rpm', { name: 'python3-setuptools-wheel', version: '44.1.1-1.cm2' }],
    ['a-1-2.src.rpm', { name: 'a', version: '1-2' }],
  ])('%s', (file, want) => {
    expect(parseSourceRpm(file)).toEqual(want);
  });

  it.each(['(none)', '', 'foo.src.rpm', 'foo-1.src.rpm', '-1-2.src.rpm', 'foo-1-.src.rpm', 'foo-1-2.rpm', 'foo--2.src.rpm'])(
    'rejects %j',
    (file) => {
      expect(parseSourceRpm(file)).toBeUndefined();
    },
  );
});
