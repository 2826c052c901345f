import { describe, expect, it } from 'vitest';
import { parseAuthChallenges } from './challenge.js';

describe('parseAuthChallenges', () => {
  it('reads a Bearer challenge as registries send it', () => {
    expect(parseAuthChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' } },
    ]);
  });

  it('reads Basic, several challenges, unquoted values, spaces and escapes', () => {
    expect(parseAuthChallenges('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    expect(parseAuthChallenges('Basic realm=x, Bearer realm = "https://t/\\"q\\"", error="insufficient_scope"')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'https://t/"q"', error: 'insufficient_scope' } },
    ]);
  });

  it('never throws on garbage and stays bounded', () => {
    expect(parseAuthChallenges(undefined)).toEqual([]);
    expect(parseAuthChallenges('')).toEqual([]);
    expect(parseAuthChallenges('=,,="')).toEqual([]);
    expect(parseAuthChallenges('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
    const huge = `Bearer ${'a=b,'.repeat(100_000)}`;
    expect(parseAuthChallenges(huge)[0]?.scheme).toBe('bearer');
  });
});
